package io.tapmixpanel.sandbox;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** Command line of the sandbox: {@code bin/mixpanel-sandbox [options]}; runs until killed. */
public final class SandboxMain {
    private SandboxMain() {}

    public static void main(String[] args) throws InterruptedException {
        SandboxOptions options;
        try {
            options = SandboxOptions.parse(args);
        } catch (SandboxOptions.HelpRequested h) {
            System.out.println(SandboxOptions.USAGE);
            System.out.flush();
            System.exit(0);
            return;
        } catch (SandboxOptions.UsageException e) {
            System.err.println("mixpanel-sandbox: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(options);
        } catch (IOException e) {
            System.err.println("mixpanel-sandbox: cannot listen on 127.0.0.1:" + options.port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("mixpanel-sandbox listening on " + sandbox.baseUrl());
        System.out.flush();
        SLog.info(sandbox.summary());
        Thread gz = new Thread(() -> {
            try {
                long ms = sandbox.awaitGzipCache();
                if (ms >= 0) SLog.info(String.format(java.util.Locale.ROOT, "gzip cache ready: %.1f MB in %d ms", sandbox.gzipCacheBytes() / 1e6, ms));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sandbox-gzip-log");
        gz.setDaemon(true);
        gz.start();
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "sandbox-shutdown"));
        new CountDownLatch(1).await();
    }
}
