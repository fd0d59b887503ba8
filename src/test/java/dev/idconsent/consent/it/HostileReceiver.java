package dev.idconsent.consent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver that misbehaves, on a plain socket on 127.0.0.1: it reads each request, then answers 200 and
 * streams a body that never ends, dribbles a body one byte at a time, or never answers and holds the connection.
 * It counts connections, the bytes it got out, and when the sender gave up on each connection (closed it).
 */
public final class HostileReceiver implements AutoCloseable {
    public enum Behaviour {
        /** {@code 200} headers, then 16 KiB writes for as long as the connection lets it. */
        ENDLESS_BODY,
        /** {@code 200} with a promised megabyte, sent at one byte per 200 ms. */
        DRIBBLE,
        /** Reads the request and never answers; holds the connection until the sender closes it. */
        SILENT
    }

    /** What the receiver observed: connections, how many the sender closed, bytes written, the longest one. */
    public record Stats(int connections, int closedBySender, long bytesSent, long longestConnectionMillis) {
    }

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedBySender = new AtomicInteger();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong longest = new AtomicLong();
    private volatile boolean closed;

    public HostileReceiver(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "hostile-" + behaviour.name().toLowerCase(Locale.ROOT));
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    public int port() {
        return server.getLocalPort();
    }

    public Stats stats() {
        return new Stats(connections.get(), closedBySender.get(), bytesSent.get(), longest.get());
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                synchronized (sockets) {
                    sockets.add(socket);
                }
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(socket), "hostile-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        long start = System.currentTimeMillis();
        boolean senderClosed = false;
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (!readRequest(in)) {
                senderClosed = true;
            } else if (behaviour == Behaviour.SILENT) {
                senderClosed = in.read() < 0; // blocks until the sender gives up (or sends more: it does not)
            } else {
                String headers = behaviour == Behaviour.ENDLESS_BODY
                        ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" // close-delimited: no end
                        : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n";
                out.write(headers.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] chunk = new byte[behaviour == Behaviour.ENDLESS_BODY ? 16 * 1024 : 1];
                Arrays.fill(chunk, (byte) 'x');
                while (!closed) {
                    out.write(chunk);
                    out.flush();
                    bytesSent.addAndGet(chunk.length);
                    if (behaviour == Behaviour.DRIBBLE) {
                        Thread.sleep(200);
                    }
                }
            }
        } catch (IOException e) {
            senderClosed = !closed; // a write or read failed: the sender reset or closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (senderClosed) {
                closedBySender.incrementAndGet();
            }
            longest.accumulateAndGet(System.currentTimeMillis() - start, Math::max);
        }
    }

    /** Reads the request line, headers and Content-Length body; false if the connection ended before. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        in.skipNBytes(length);
        return true;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
