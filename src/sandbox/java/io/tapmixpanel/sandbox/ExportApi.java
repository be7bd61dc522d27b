package io.tapmixpanel.sandbox;

import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * {@code GET /api/2.0/export} (docs/sandbox.md "Endpoints", "Performance"): an unfiltered request sends the
 * cached days as they are (gzip: the days' cached raw-deflate pieces in one gzip member); filters and faults
 * take a slower path that copies the lines. Also owns the background compression of that cache.
 */
final class ExportApi {
    private static final Pattern TIME_CLAUSE = Pattern.compile(
        "\\s*properties\\s*\\[\\s*\"\\$time\"\\s*\\]\\s*(>=|<=|>|<)\\s*datetime\\s*\\(\\s*(-?\\d+|\"[^\"]*\")\\s*\\)\\s*");

    private final SandboxOptions opt;
    private final Project project;
    private final Faults faults;
    private final SandboxClock clock;
    private volatile long gzipReadyMillis = -1;
    private volatile boolean closed;

    ExportApi(SandboxOptions opt, Project project, Faults faults, SandboxClock clock) {
        this.opt = opt;
        this.project = project;
        this.faults = faults;
        this.clock = clock;
    }

    // ---- gzip cache ---------------------------------------------------------------------------------------

    /** Compresses the cached days in the background so that gzip requests find them ready. */
    void warmGzipCache() {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            IntStream.range(0, project.days).parallel().forEach(d -> {
                if (!closed) project.dayData[d].deflated();
            });
            if (!closed) gzipReadyMillis = (System.nanoTime() - t0) / 1_000_000;
            synchronized (this) { notifyAll(); }
        }, "sandbox-gzip-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** See {@link Sandbox#awaitGzipCache()}. */
    synchronized long awaitGzipCache() throws InterruptedException {
        while (gzipReadyMillis < 0 && !closed) wait(100);
        return gzipReadyMillis;
    }

    /** Compressed size of the export cache (compresses what is not yet compressed). */
    long gzipCacheBytes() {
        long gz = 0;
        for (Project.Day d : project.dayData) gz += d.deflated().length;
        return gz;
    }

    /** Stops the background compression (the sandbox is closing). */
    void close() { closed = true; }

    // ---- the endpoint -------------------------------------------------------------------------------------

    void serve(Request q) throws IOException {
        // UTC days for a project whose time is UTC, the project's days for a legacy local-time one
        // (docs/sandbox.md "Endpoints"); "today" is the sandbox clock's date in that same zone, and only the
        // events processed by its "now" are served (docs/sandbox.md "Time")
        ZoneId dayZone = opt.legacyLocalTime ? opt.timezone : ZoneOffset.UTC;
        long clockState = clock.state();
        LocalDate[] range = q.dateRangeUpToToday("from_date", "to_date", true, SandboxClock.today(clockState, dayZone));
        long upToMs = SandboxClock.visibleUpToMs(clockState);
        Set<String> events = q.stringSet("event");
        long[] bounds = q.p("where") != null && !q.p("where").isBlank() ? timeBounds(q.p("where")) : null;
        int limit = q.intParam("limit", Integer.MAX_VALUE, 1, 100_000);
        boolean inMs = "true".equalsIgnoreCase(q.p("time_in_ms")) || "1".equals(q.p("time_in_ms"));
        Project.Day[] days = project.dayData;
        int[] w;
        // the project's days that hold the requested days, and the cut of the first and last of them
        long loMs = Long.MIN_VALUE, hiMs = Long.MAX_VALUE;
        if (dayZone.equals(project.zone) || project.zone.getRules().equals(ZoneOffset.UTC.getRules())) {
            w = project.dayWindow(range);
        } else {
            loMs = range[0].atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1000;
            hiMs = range[1].plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1000;
            LocalDate first = Instant.ofEpochMilli(loMs).atZone(project.zone).toLocalDate();
            LocalDate last = Instant.ofEpochMilli(hiMs - 1).atZone(project.zone).toLocalDate();
            w = project.dayWindow(new LocalDate[] {first, last});
        }
        boolean fast = events == null && bounds == null && limit == Integer.MAX_VALUE && !inMs;
        if (!fast && loMs != Long.MIN_VALUE)
            bounds = bounds == null ? new long[] {loMs, hiMs} : new long[] {Math.max(bounds[0], loMs), Math.min(bounds[1], hiMs)};

        // segments of the raw body (fast path: cached days as they are, a cut edge day as its slice)
        List<Slice> raw = new ArrayList<>();
        long rawLen = 0;
        if (fast) {
            for (int d = w[0]; d <= w[1]; d++) {
                Project.Day day = days[d].visibleAt(upToMs);
                int i0 = loMs == Long.MIN_VALUE || day.startSec * 1000 >= loMs ? 0 : lowerBound(day.utcMs, loMs);
                int i1 = hiMs == Long.MAX_VALUE || day.endSec * 1000 <= hiMs ? day.count : lowerBound(day.utcMs, hiMs);
                if (i1 <= i0) continue;
                Slice sl = new Slice(day, day.lineStart[i0], day.lineStart[i1]);
                raw.add(sl);
                rawLen += sl.len();
            }
        } else {
            byte[] filtered = filtered(days, upToMs, w, events, bounds, limit, inMs);
            if (filtered.length > 0) { raw.add(new Slice(filtered)); rawLen = filtered.length; }
        }

        Headers h = q.ex.getResponseHeaders();
        h.set("Content-Type", "text/plain; charset=utf-8");
        if (rawLen == 0) {
            q.ex.sendResponseHeaders(200, -1);
            return;
        }
        Faults.ExportFault fault = faults.onExport();
        long spanDays = range[1].toEpochDay() - range[0].toEpochDay() + 1;
        boolean terminate = fault == Faults.ExportFault.TERMINATED_EARLY
            || (opt.terminateWindowsLongerThan > 0 && spanDays > opt.terminateWindowsLongerThan);
        if (terminate) {
            byte[] cut = Faults.terminatedEarly(concat(raw, rawLen));
            raw = List.of(new Slice(cut));
            rawLen = cut.length;
        }

        List<byte[]> body;
        long bodyLen;
        if (!q.gzip) {
            body = null;
            bodyLen = rawLen;
        } else if (fast && !terminate) {
            body = cachedGzip(raw);
            bodyLen = 0;
            for (byte[] b : body) bodyLen += b.length;
        } else {
            byte[] all = concat(raw, rawLen);
            byte[] gz = Gzip.gzip(all, 0, all.length);
            body = List.of(gz);
            bodyLen = gz.length;
        }
        if (q.gzip) h.set("Content-Encoding", "gzip");
        q.ex.sendResponseHeaders(200, bodyLen);
        OutputStream os = q.ex.getResponseBody();
        boolean reset = fault == Faults.ExportFault.RESET && !terminate;
        long limitBytes = reset ? Faults.resetAfter(bodyLen) : bodyLen;
        long written = 0;
        if (body == null) {
            for (Slice sl : raw) {
                if (written >= limitBytes) break;
                int len = (int) Math.min(sl.len(), limitBytes - written);
                Responses.write(os, sl.bytes, sl.off, len);
                written += len;
            }
        } else {
            for (byte[] b : body) {
                if (written >= limitBytes) break;
                int len = (int) Math.min(b.length, limitBytes - written);
                Responses.write(os, b, 0, len);
                written += len;
            }
        }
        if (reset) {
            SLog.debug("fault: connection reset after " + written + " of " + bodyLen + " bytes");
            os.flush();
            q.ex.close(); // fewer bytes than Content-Length: the server drops the connection
            return;
        }
        os.close();
    }

    /** A run of body bytes: a whole cached day, the slice of a day cut at a UTC midnight, or a copied body. */
    private static final class Slice {
        final byte[] bytes;
        final int off;
        final int end;
        /** The cached day when the slice is that whole day (its deflate piece and CRC are cached). */
        final Project.Day whole;

        Slice(Project.Day day, int off, int end) {
            this.bytes = day.raw;
            this.off = off;
            this.end = end;
            this.whole = off == 0 && end == day.raw.length ? day : null;
        }

        Slice(byte[] all) {
            this.bytes = all;
            this.off = 0;
            this.end = all.length;
            this.whole = null;
        }

        int len() { return end - off; }
    }

    /** The selected visible lines of days {@code w[0]..w[1]}, copied (and with {@code time} in ms when asked). */
    private static byte[] filtered(Project.Day[] days, long upToMs, int[] w, Set<String> events, long[] bounds, int limit,
                                   boolean inMs) {
        boolean[] nameOk = new boolean[EventTable.EVENT_NAMES.length];
        for (int e = 0; e < nameOk.length; e++) nameOk[e] = events == null || events.contains(EventTable.EVENT_NAMES[e]);
        ByteBuf out = new ByteBuf(1 << 16);
        int left = limit;
        for (int d = w[0]; d <= w[1] && left > 0; d++) {
            Project.Day day = days[d].visibleAt(upToMs);
            int i = 0;
            if (bounds != null) i = lowerBound(day.utcMs, bounds[0]);
            for (; i < day.count && left > 0; i++) {
                if (bounds != null && day.utcMs[i] >= bounds[1]) break;
                if (!nameOk[day.name[i]]) continue;
                int s = day.lineStart[i], e = day.lineStart[i + 1];
                if (inMs) {
                    out.raw(day.raw, s, day.timeStart[i] - s);
                    out.num(day.encMs[i]);
                    int after = day.timeStart[i] + day.timeLen[i];
                    out.raw(day.raw, after, e - after);
                } else {
                    out.raw(day.raw, s, e - s);
                }
                left--;
            }
        }
        return out.n > 0 ? out.toArray() : new byte[0];
    }

    /** One gzip member: header, the slices' deflate pieces (cached for whole days), final block, trailer. */
    private static List<byte[]> cachedGzip(List<Slice> slices) {
        List<byte[]> body = new ArrayList<>();
        body.add(Gzip.HEADER);
        long crc = 0, len = 0;
        for (Slice sl : slices) {
            if (sl.whole != null) {
                body.add(sl.whole.deflated());
                crc = Gzip.crcCombine(crc, sl.whole.crc, sl.len());
            } else {
                body.add(Gzip.deflatePiece(sl.bytes, sl.off, sl.len()));
                crc = Gzip.crcCombine(crc, Gzip.crc(sl.bytes, sl.off, sl.len()), sl.len());
            }
            len += sl.len();
        }
        body.add(Gzip.FINAL_BLOCK);
        body.add(Gzip.trailer(crc, len));
        return body;
    }

    /** {lowInclusiveMs, highExclusiveMs} on the true UTC time from a where on properties["$time"]. */
    private static long[] timeBounds(String where) {
        long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE;
        for (String clause : Request.andClauses(where)) {
            Matcher m = TIME_CLAUSE.matcher(clause);
            if (!m.matches())
                throw new ApiError(400, "unsupported where expression (the sandbox supports properties[\"$time\"] "
                    + "compared with datetime(<epoch seconds>), clauses joined with 'and'): " + clause.trim());
            long sec = whereSeconds(m.group(2));
            switch (m.group(1)) {
                case ">=": lo = Math.max(lo, sec * 1000); break;
                case ">": lo = Math.max(lo, (sec + 1) * 1000); break;
                case "<": hi = Math.min(hi, sec * 1000); break;
                default: hi = Math.min(hi, (sec + 1) * 1000); break;
            }
        }
        return new long[] {lo, hi};
    }

    private static long whereSeconds(String v) {
        if (!v.startsWith("\"")) return Long.parseLong(v);
        String s = v.substring(1, v.length() - 1);
        try {
            if (s.endsWith("Z")) return Instant.parse(s).getEpochSecond();
            if (s.length() == 10) return LocalDate.parse(s).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            return LocalDateTime.parse(s).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "invalid datetime in where: " + v);
        }
    }

    private static int lowerBound(long[] a, long key) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static byte[] concat(List<Slice> parts, long total) {
        if (total > Integer.MAX_VALUE - 16) throw new ApiError(500, "response too large for this fault/filter path");
        byte[] all = new byte[(int) total];
        int p = 0;
        for (Slice sl : parts) { System.arraycopy(sl.bytes, sl.off, all, p, sl.len()); p += sl.len(); }
        return all;
    }
}
