package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket, with the request target exactly as given: no client
 * normalises {@code /./}, {@code /x/..}, {@code //} or {@code ;params} away before the server sees them.
 */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * @param base    the server (only host and port are used)
     * @param method  the HTTP method
     * @param target  the request target, sent as is
     * @param headers extra headers
     * @param body    the body, or null
     * @return the answer's status and head
     * @throws IOException on I/O failure
     */
    static Answer send(URL base, String method, String target, Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            if (body != null || "POST".equals(method)) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = firstLine(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer to " + method + " " + target + ": " + statusLine);
            }
            String contentType = null;
            String contentLength = null;
            for (String line = firstLine(in); !line.isEmpty(); line = firstLine(in)) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-type:")) {
                    contentType = line.substring(13).trim();
                } else if (lower.startsWith("content-length:")) {
                    contentLength = line.substring(15).trim();
                }
            }
            return new Answer(Integer.parseInt(parts[1]), contentType, contentLength);
        }
    }

    /**
     * The head of an answer.
     *
     * @param status        the status code
     * @param contentType   the Content-Type, or null
     * @param contentLength the Content-Length, or null
     */
    record Answer(int status, String contentType, String contentLength) {

        /**
         * @return whether this is Payara's empty 200 for a request its URI decoder failed on (Grizzly's
         *         {@code HttpRequestURIDecoder.normalizeBytes} throws on some paths ending in {@code /.} or
         *         {@code /..}; the request never reaches an application): never an answer of Herald's,
         *         which always has a JSON body
         */
        boolean emptyContainerAnswer() {
            return status == 200 && contentType == null && "0".equals(contentLength);
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
