// Every herald.js unit test in one process (no --test child per file): what StrykerJS runs per mutant.
// Run: node src/test/mutation/all.mjs (exits non-zero when a test fails).
import '../js/herald.test.mjs';
import '../js/herald-found.test.mjs';
import '../js/herald-features.test.mjs';
import '../js/herald-share.test.mjs';
