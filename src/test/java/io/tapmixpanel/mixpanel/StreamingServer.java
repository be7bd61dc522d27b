package io.tapmixpanel.mixpanel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny JDK HTTP server for what WireMock cannot do: bodies generated on the fly (hundreds of MB without
 * holding them), and bodies that stop in the middle (declared length larger than what is sent).
 */
final class StreamingServer implements AutoCloseable {

    /** Writes the body of the n-th request (1-based). */
    @FunctionalInterface
    interface Body {
        void write(int request, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    StreamingServer(Body body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "streaming-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            int n = requests.incrementAndGet();
            try {
                body.write(n, exchange);
            } catch (IOException clientWentAway) {
                // the client aborted the connection: expected in fault tests
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Sends headers for a body of {@code declaredLength} bytes (0 = chunked) and returns the body stream. */
    static OutputStream begin(HttpExchange exchange, long declaredLength) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, declaredLength);
        return exchange.getResponseBody();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
