package io.tapmixpanel.mixpanel.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which connection failures a retry can fix (moved here from MixpanelClientFaultsTest with HttpFailures). */
class HttpFailuresTest {

    @Test
    void theClientsOwnRefusalsAndTlsToAPlainPortAreNotTransient() {
        assertFalse(HttpFailures.isTransient(new org.apache.hc.client5.http.ClientProtocolException("bad URI")));
        assertFalse(HttpFailures.isTransient(new org.apache.hc.client5.http.UnsupportedSchemeException("ftp")));
        assertFalse(HttpFailures.isTransient(new java.net.MalformedURLException("x")));
        assertFalse(HttpFailures.isTransient(new javax.net.ssl.SSLException(
                "Unsupported or unrecognized SSL message")));
        assertTrue(HttpFailures.isTransient(new java.net.SocketException("Connection reset")));
        assertTrue(HttpFailures.isTransient(new java.io.EOFException("cut")));
    }
}
