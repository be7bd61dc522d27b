package io.tapmixpanel.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.tapmixpanel.log.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * One WireMock server per test class, reset before each test, with the tap's stderr log captured; shared by the
 * test classes that pin HTTP requests (client, discovery, cli).
 */
public abstract class WireMockTestBase {
    public static WireMockServer wm;
    protected ByteArrayOutputStream logged;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(wireMockConfig().dynamicPort().gzipDisabled(true));
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void resetWireMockAndCaptureLog() {
        wm.resetAll();
        logged = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(System.err);
    }

    /** What the tap logged on stderr during this test. */
    protected String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    /** The WireMock server's root, for every base URL of the tap. */
    public static URI base() {
        return URI.create("http://127.0.0.1:" + wm.port());
    }
}
