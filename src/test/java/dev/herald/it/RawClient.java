package dev.herald.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand on a plain socket: it performs the upgrade and then does
 * whatever a misbehaving client does (never read, never answer pings, send garbage or hand-made
 * frames), and can wait for the server's close frame.
 */
public final class RawClient implements AutoCloseable {

    /** What {@link #awaitClose()} returns when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;

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

    /**
     * Writes one final, masked frame.
     *
     * @param opcode  1 text, 2 binary, 8 close, 9 ping, 10 pong
     * @param payload the payload as it is (not checked)
     * @throws IOException when the server has closed the connection
     */
    public void frame(int opcode, byte[] payload) throws IOException {
        frame(true, opcode, payload);
    }

    /**
     * Writes one masked frame, final or not (a fragmented message: opcode 1 first, then 0 for each
     * continuation, the last one final).
     *
     * @param fin     whether the frame ends its message
     * @param opcode  0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
     * @param payload the payload as it is (not checked)
     * @throws IOException when the server has closed the connection
     */
    public void frame(boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xffff) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        write(frame.toByteArray());
    }

    /**
     * Writes the header of one final text frame with a zero mask key (so the payload that follows is
     * written as it is), for a frame sent in pieces with {@link #write}.
     *
     * @param length the payload length the header announces
     * @throws IOException when the server has closed the connection
     */
    public void textFrameHeader(long length) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x81);
        header.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            header.write((int) (length >>> shift) & 0xff);
        }
        header.write(new byte[4]);
        write(header.toByteArray());
    }

    /**
     * Half-closes the connection: the server reads the end of the stream.
     *
     * @throws IOException when the socket is closed already
     */
    public void endOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Reads the server's frames, skipping all but a close frame, until one arrives or the connection ends.
     *
     * @return the close frame's code, or {@link #NO_CLOSE_FRAME} when the connection ended without one
     * @throws IOException when the server neither closed nor sent anything within the socket timeout
     */
    public int awaitClose() throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return NO_CLOSE_FRAME;
                }
                long length = readByte(in) & 0x7f;
                int lengthBytes = length == 126 ? 2 : length == 127 ? 8 : 0;
                if (lengthBytes > 0) {
                    length = 0;
                    for (int i = 0; i < lengthBytes; i++) {
                        length = (length << 8) | readByte(in);
                    }
                }
                byte[] payload = in.readNBytes((int) length);
                if ((first & 0x0f) == 8) {
                    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            }
        } catch (EOFException | SocketException ended) {
            return NO_CLOSE_FRAME;
        } catch (SocketTimeoutException silent) {
            throw new IOException("the server neither closed the connection nor sent a close frame", silent);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
