package dev.herald.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Clients that complete the WebSocket handshake and then never read: the misbehaving 1 % of P2.
 * A plain socket with the smallest receive buffer the kernel allows, so that the server's writes
 * back up after a few kilobytes instead of megabytes; a library client cannot be told to stop
 * reading at the TCP level, this one simply never calls {@code read} after the handshake.
 */
final class StalledClients implements AutoCloseable {

    private final List<Socket> sockets = new ArrayList<>();

    /**
     * Connects one stalled client and completes its handshake.
     *
     * @param host    server address
     * @param port    server port
     * @param path    request path, e.g. {@code /herald/ws}
     * @param headers extra handshake headers
     * @throws IOException when the connection or the handshake fails
     */
    void open(String host, int port, String path, Map<String, String> headers) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress(host, port), 30_000);
        sockets.add(socket);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHead(socket.getInputStream());
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + status);
        }
    }

    /** Reads the response head byte by byte, so nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        throw new IOException("connection closed during the handshake: " + head);
    }

    /** @return stalled clients connected */
    int size() {
        return sockets.size();
    }

    /** Resets every connection (which also unblocks a server thread stuck writing to it). */
    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        sockets.clear();
    }
}
