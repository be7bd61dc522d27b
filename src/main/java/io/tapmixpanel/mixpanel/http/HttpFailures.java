package io.tapmixpanel.mixpanel.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.UnsupportedSchemeException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.NoHttpResponseException;

/** Names transport failures for logs, and tells the transient ones (retry) from the hopeless ones. */
public final class HttpFailures {
    private HttpFailures() {}

    /** A short cause for the log: "connection reset", "read timed out", ... (never contains credentials). */
    public static String describe(IOException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof ConnectTimeoutException) return "connect timed out";
        if (e instanceof SocketTimeoutException) return "read timed out";
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof NoHttpResponseException) return "the server closed the connection without answering";
        if (e instanceof ConnectionClosedException) return "connection closed before the end of the body";
        if (e instanceof MalformedChunkCodingException) return "malformed chunked body (" + msg + ")";
        if (e instanceof SocketException && msg.toLowerCase(java.util.Locale.ROOT).contains("reset")) return "connection reset";
        if (e instanceof java.io.EOFException) return "unexpected end of body (" + msg + ")";
        return e.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    /**
     * False for failures that retrying cannot fix: an unknown host, TLS certificate problems, TLS spoken to a
     * plain-HTTP port, and the client's own refusals of the request (a URI it cannot send, an unsupported
     * scheme): those are the config's, and the same request would fail the same way eight times.
     */
    static boolean isTransient(IOException e) {
        return !(e instanceof UnknownHostException
                || e instanceof SSLHandshakeException
                || e instanceof SSLPeerUnverifiedException
                || (e instanceof SSLException && String.valueOf(e.getMessage()).contains("nrecognized SSL message"))
                || e instanceof ClientProtocolException
                || e instanceof UnsupportedSchemeException
                || e instanceof MalformedURLException);
    }
}
