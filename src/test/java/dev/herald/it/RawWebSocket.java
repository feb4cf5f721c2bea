package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a plain {@link Socket}: does the HTTP upgrade by hand (Basic auth), then writes
 * whatever bytes a test wants, well-formed frames or garbage, and reads the server's frames.
 */
final class RawWebSocket implements AutoCloseable {

    /** A close frame's code, or 1006 when the connection ended without one. */
    static final int NO_CLOSE_FRAME = 1006;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * @param base the application URL
     * @param user Basic user (password = name)
     * @return a socket whose handshake was answered 101
     * @throws IOException when the server answered anything else
     */
    static RawWebSocket open(URL base, String user) throws IOException {
        RawWebSocket ws = new RawWebSocket(new Socket(base.getHost(), base.getPort()));
        ws.socket.setSoTimeout(15_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + base.getPath() + "ws HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: " + WsClient.basic(user, user) + "\r\n\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("handshake not accepted: " + head.lines().findFirst().orElse(""));
        }
        return ws;
    }

    /**
     * @param bytes written as they are, after the handshake
     * @throws IOException when the server has closed the connection
     */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Half-closes the connection: the server sees the end of the stream.
     *
     * @throws IOException when the socket is closed already
     */
    void endOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Writes one final, masked frame.
     *
     * @param opcode  1 text, 2 binary, 8 close, 9 ping, 10 pong
     * @param payload the payload, not checked
     * @throws IOException when the server has closed the connection
     */
    void frame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        write(frame.toByteArray());
    }

    /**
     * Reads frames until the server's close frame or the end of the connection, skipping anything else.
     *
     * @return the close code, or {@link #NO_CLOSE_FRAME} when the connection ended without one
     * @throws IOException when nothing arrived within 15 s
     */
    int awaitClose() throws IOException {
        try {
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return NO_CLOSE_FRAME;
                }
                int second = readByte();
                long length = second & 0x7f;
                if (length == 126) {
                    length = (readByte() << 8) | readByte();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | readByte();
                    }
                }
                byte[] payload = in.readNBytes((int) length);
                if ((first & 0x0f) == 8) {
                    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            }
        } catch (EOFException | java.net.SocketException ended) {
            return NO_CLOSE_FRAME;
        } catch (SocketTimeoutException silent) {
            throw new IOException("the server neither closed nor answered within 15 s", silent);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = readByte();
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
