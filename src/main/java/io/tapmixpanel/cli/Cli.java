package io.tapmixpanel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.config.ConfigException;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.config.TapVersion;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sync.Tap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The command line (README "Command line"): parses arguments, loads the config, runs discovery or sync, and is the one place
 * where errors become exit codes and one-line messages: 2 for usage/config/catalog/state problems, 1 for
 * failures while running, each with a {@code CRITICAL <message>} line and no stack trace unless debug logging.
 */
public final class Cli {
    private final OutputStream stdout;
    private final Map<String, String> env;

    public Cli(OutputStream stdout, Map<String, String> env) {
        this.stdout = stdout;
        this.env = env;
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder("c").longOpt("config").hasArg().argName("FILE")
                .desc("config JSON file; repeat to merge several (later keys win)").build());
        o.addOption(Option.builder("s").longOpt("state").hasArg().argName("FILE").desc("state JSON file to resume from").build());
        o.addOption(Option.builder().longOpt("catalog").hasArg().argName("FILE").desc("catalog JSON file: which streams and properties to sync").build());
        o.addOption(Option.builder("p").longOpt("properties").hasArg().argName("FILE").desc("legacy name of --catalog").build());
        o.addOption(Option.builder("d").longOpt("discover").desc("print the catalog to stdout").build());
        o.addOption(Option.builder().longOpt("test").hasArg().optionalArg(true).argName("all|schema")
                .desc("check access instead of syncing: --test (or --test=all) makes each stream's cheapest call, "
                        + "--test=schema runs discovery only; exit 0 when every stream is reachable").build());
        o.addOption(Option.builder().longOpt("about").desc("print name, version, capabilities and settings").build());
        o.addOption(Option.builder().longOpt("format").hasArg().argName("json|markdown|meltano-hub").desc("format of --about (default json)").build());
        o.addOption(Option.builder().longOpt("version").desc("print the version").build());
        o.addOption(Option.builder("h").longOpt("help").desc("print this help").build());
        o.addOption(Option.builder().longOpt("log-level").hasArg().argName("LEVEL")
                .desc("debug, info, warning, error or critical (default info; env TAP_MIXPANEL_LOG_LEVEL)").build());
        return o;
    }

    /** Runs the command line; returns the process exit code. */
    public int run(String[] args) {
        ExitCode code;
        try {
            code = dispatch(args);
        } catch (UsageException | ConfigException e) {
            code = fail(ExitCode.USAGE, e.getMessage(), e);
        } catch (RuntimeException e) {
            code = ErrorReport.handle(e);
        }
        return code.code();
    }

    private ExitCode dispatch(String[] args) {
        applyLogLevel(Optional.ofNullable(env.get("TAP_MIXPANEL_LOG_LEVEL")), "TAP_MIXPANEL_LOG_LEVEL");
        CommandLine cmd;
        try {
            cmd = new DefaultParser().parse(options(), args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage().replaceAll("\\s+", " ") + " (see tap-mixpanel --help)");
        }
        if (!cmd.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cmd.getArgList().get(0) + "' (see tap-mixpanel --help)");
        }
        if (cmd.hasOption("log-level")) applyLogLevel(Optional.of(cmd.getOptionValue("log-level")), "--log-level");

        if (cmd.hasOption("help")) {
            print(help());
            return ExitCode.OK;
        }
        if (cmd.hasOption("version")) {
            print(About.NAME + " " + TapVersion.get() + "\n");
            return ExitCode.OK;
        }
        if (cmd.hasOption("about")) {
            String format = cmd.getOptionValue("format", "json").toLowerCase(Locale.ROOT);
            switch (format) {
                case "json" -> print(prettyJson(About.json()) + "\n");
                case "markdown", "md" -> print(About.markdown());
                case "meltano-hub" -> print(MeltanoDefinition.hubYaml());
                default -> throw new UsageException("--format: '" + format + "' is not one of json, markdown, meltano-hub");
            }
            return ExitCode.OK;
        }
        if (cmd.hasOption("format")) throw new UsageException("--format only goes with --about");
        String[] configs = cmd.getOptionValues("config");
        if (configs == null || configs.length == 0) {
            throw new UsageException("--config is required (see tap-mixpanel --help)");
        }
        if (cmd.hasOption("catalog") && cmd.hasOption("properties")) {
            throw new UsageException("give --catalog or its legacy name --properties, not both");
        }
        Optional<Tap.TestMode> testMode = testMode(cmd);
        if (testMode.isPresent() && cmd.hasOption("discover")) throw new UsageException("give --test or --discover, not both");
        List<Path> configPaths = Arrays.stream(configs).map(Path::of).toList();
        TapConfig config = ConfigLoader.load(configPaths);
        Optional<Path> catalog = Optional.ofNullable(cmd.getOptionValue("catalog", cmd.getOptionValue("properties"))).map(Path::of);
        Optional<Path> state = Optional.ofNullable(cmd.getOptionValue("state")).map(Path::of);
        if (testMode.isPresent()) {
            if (state.isPresent()) Log.warning("--state is ignored with --test");
            return new Tap(config).test(catalog, testMode.get(), stdout) ? ExitCode.OK : ExitCode.FAILURE;
        }
        if (cmd.hasOption("discover")) {
            if (state.isPresent()) Log.warning("--state is ignored with --discover");
            new Tap(config).discover(stdout);
        } else {
            new Tap(config).sync(catalog, state, stdout);
        }
        return ExitCode.OK;
    }

    /** {@code --test} alone is {@code --test=all}, as in the Meltano SDK. */
    private static Optional<Tap.TestMode> testMode(CommandLine cmd) {
        if (!cmd.hasOption("test")) return Optional.empty();
        String value = cmd.getOptionValue("test", "all");
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "all" -> Optional.of(Tap.TestMode.ALL);
            case "schema" -> Optional.of(Tap.TestMode.SCHEMA);
            default -> throw new UsageException("--test: '" + value + "' is not one of all, schema (see tap-mixpanel --help)");
        };
    }

    private void applyLogLevel(Optional<String> value, String where) {
        if (value.isEmpty() || value.get().isBlank()) return;
        try {
            Log.setLevel(Log.parseLevel(value.get()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": '" + value.get() + "' is not one of debug, info, warning, error, critical");
        }
    }

    static String help() {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw);
        new HelpFormatter().printHelp(pw, 100,
                "tap-mixpanel --config CONFIG [--config MORE...] [--state STATE] [--catalog CATALOG]\n"
                        + "       tap-mixpanel --config CONFIG --discover\n"
                        + "       tap-mixpanel --config CONFIG [--catalog CATALOG] --test[=all|schema]\n"
                        + "       tap-mixpanel --about [--format json|markdown|meltano-hub] | --version | --help",
                "\nReplicates a Mixpanel project as Singer messages on stdout. Without --catalog it discovers and syncs every stream.\n\n",
                options(), 2, 4, "\nDocs: README.md. Exit codes: 0 ok, 1 failure while running, 2 usage/config/catalog/state error.");
        pw.flush();
        return sw.toString();
    }

    private static String prettyJson(Object node) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void print(String s) {
        try {
            stdout.write(s.getBytes(StandardCharsets.UTF_8));
            stdout.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ExitCode fail(ExitCode code, String message, Throwable cause) {
        Log.critical("%s", message);
        if (Log.isDebug() && cause != null) {
            StringWriter sw = new StringWriter();
            cause.printStackTrace(new PrintWriter(sw));
            Log.debug("%s", sw.toString().stripTrailing());
        }
        return code;
    }
}
