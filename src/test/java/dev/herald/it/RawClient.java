package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand on a plain socket: it performs the upgrade and then does
 * whatever a misbehaving client does (never read, never answer pings, send garbage).
 */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final String responseHead;

    private RawClient(Socket socket, String responseHead) {
        this.socket = socket;
        this.responseHead = responseHead;
    }

    /**
     * @param base           the application URL
     * @param user           Basic user (password = name)
     * @param receiveBuffer  the socket's receive buffer (small: the kernel absorbs less before the server blocks)
     * @return a client whose upgrade succeeded (101)
     * @throws IOException when the upgrade fails
     */
    public static RawClient upgrade(URL base, String user, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + base.getPath() + "ws HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: " + WsClient.basic(user, user) + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during upgrade: " + head);
            }
            head.write(b);
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        if (!response.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + response);
        }
        return new RawClient(socket, response);
    }

    /** @return the upgrade response's status line and headers */
    public String responseHead() {
        return responseHead;
    }

    /**
     * Writes raw bytes after the upgrade (garbage, invalid frames).
     *
     * @param bytes what to write
     * @throws IOException when the server has closed the connection
     */
    public void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
