package io.tapmixpanel;

import io.tapmixpanel.testing.RepoRoot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Code and docs point readers at the manual by heading: the file name (README, or docs/ and a page's name) followed
 * by the heading in double quotes. Every such citation in src/, bin/, bench/, docs/ and README must name a heading
 * that exists in the file it names, so that moving or renaming a section cannot leave readers pointed at nothing.
 * A citation may wrap over comment lines, use Java-escaped quotes, be split by a string concatenation, and chain
 * more headings of the same file after it ({@code , "B"}, {@code and "B"}).
 */
class DocCitationsTest {
    // Built from pieces so that this file's own examples are not read as citations of the real manual.
    private static final String README = "READ" + "ME";
    private static final String DOCS = "docs" + "/";
    private static final String Q = "\"";

    /** Where the manual is cited: the tap, its tests and sandbox, the launchers and benchmarks, the manual itself. */
    private static final List<String> SCANNED = List.of("src", "bin", "bench", "docs", "README.md");

    private static final String GAP = "(?:[ \\t\\r\\n*#/]|\"[ \\t\\r\\n]*\\+[ \\t\\r\\n]*\")*";
    // A heading has no quote or backslash, nor any of ;{}= (code between two string literals is no heading).
    private static final String QUOTED = "\\\\?\"(?<head>[^\"\\\\;{}=]{1,120}?)\\\\?\"";
    private static final Pattern CITATION = Pattern.compile(
            "(?<file>\\bREADME\\b(?![.])|\\bdocs/[a-z0-9-]+\\.md),?" + GAP + QUOTED);
    private static final Pattern CHAINED = Pattern.compile("(?:[ \\t\\r\\n*#/]*(?:,|\\band\\b|\\bor\\b))+"
            + "[ \\t\\r\\n*#/]*" + QUOTED);
    private static final Pattern HEADING = Pattern.compile("^#{1,6}[ \\t]+(.*?)[ \\t#]*$");

    /** One heading named by one citation: the file it names ("README.md" or "docs/x.md") and the line it starts on. */
    record Citation(int line, String doc, String heading) {}

    @Test
    void everyCitedHeadingExistsInTheFileItNames() throws IOException {
        Path root = RepoRoot.path();
        Map<String, Set<String>> headingsByDoc = new HashMap<>();
        List<String> broken = new ArrayList<>();
        int count = 0;
        for (Path file : scannedFiles(root)) {
            String text = readText(file);
            if (text == null) {
                continue;
            }
            for (Citation c : citations(text)) {
                count++;
                Set<String> headings = headingsByDoc.computeIfAbsent(c.doc(), doc -> headingsOf(root.resolve(doc)));
                if (headings == null || !headings.contains(c.heading())) {
                    broken.add(root.relativize(file) + ":" + c.line() + ": " + c.doc() + " " + Q + c.heading() + Q
                            + (headings == null ? " (no such file)" : " (no such heading; it has " + headings + ")"));
                }
            }
        }
        assertTrue(count > 100, "found only " + count + " citations: is the pattern still right?");
        assertEquals(List.of(), broken, broken.size() + " citation(s) name a heading that does not exist:\n"
                + String.join("\n", broken) + "\n");
    }

    @Test
    void aCitationNamesTheFileAndTheHeading() {
        assertEquals(List.of(new Citation(1, "README.md", "Command line"), new Citation(2, DOCS + "state.md", "State")),
                citations("see " + README + " " + Q + "Command line" + Q + "\n(" + DOCS + "state.md " + Q + "State" + Q + ")"));
    }

    @Test
    void aHeadingWrappedOverCommentLinesIsReadAsOneLine() {
        assertEquals(List.of(new Citation(1, "README.md", "Values and types")),
                citations(" * as targets decide (" + README + " " + Q + "Values\n * and types" + Q + ")."));
        assertEquals(List.of(new Citation(1, "README.md", "Rate limits")),
                citations("  # budgets (" + README + "\n  # " + Q + "Rate limits" + Q + ")"));
    }

    @Test
    void javaEscapedQuotesAndAStringConcatenationStillMakeACitation() {
        assertEquals(List.of(new Citation(1, "README.md", "BATCH messages")),
                citations("\"See " + README + " \\\"BATCH messages\\\".\""));
        assertEquals(List.of(new Citation(1, DOCS + "state.md", "Export across runs")),
                citations("\"about once (" + DOCS + "state.md \"\n        + \"\\\"Export across runs\\\"). false\""));
    }

    @Test
    void headingsChainedAfterACitationBelongToTheSameFile() {
        assertEquals(List.of(new Citation(1, DOCS + "sandbox.md", "Hourly budgets"),
                        new Citation(1, DOCS + "sandbox.md", "Endpoints"), new Citation(2, DOCS + "sandbox.md", "Flags"),
                        new Citation(2, DOCS + "sandbox.md", "Time")),
                citations("(" + DOCS + "sandbox.md " + Q + "Hourly budgets" + Q + ", " + Q + "Endpoints" + Q + ",\n * "
                        + Q + "Flags" + Q + " and " + Q + "Time" + Q + ")"));
    }

    @Test
    void aCommaAfterTheFileNameIsAllowedButAFileWithoutQuotesIsNoCitation() {
        assertEquals(List.of(new Citation(1, DOCS + "performance.md", "Memory")),
                citations("(" + DOCS + "performance.md, " + Q + "Memory" + Q + ")"));
        assertEquals(List.of(), citations("Docs: " + README + ".md. All flags: [" + DOCS + "sandbox.md](" + DOCS
                + "sandbox.md) and the " + Q + "x" + Q));
    }

    @Test
    void codeBetweenAFileNameInAStringAndTheNextStringIsNoCitation() {
        assertEquals(List.of(), citations("read(\"" + DOCS + "meltano.md\");\n        int at = doc.indexOf(\"# Meltano\");"));
    }

    @Test
    void headingsAreTheMarkdownHeadingsOutsideCodeBlocks() {
        assertEquals(Set.of("Title", "State", "Export across runs"), headings(
                "# Title\n\n## State\ntext # not a heading\n```sh\n# a shell comment\n```\n  ```\n# yaml\n  ```\n"
                        + "### Export across runs ##\n"));
    }

    /** Every citation in a text, with the line each starts on; the file a citation names is README.md or docs/x.md. */
    static List<Citation> citations(String text) {
        List<Citation> found = new ArrayList<>();
        Matcher m = CITATION.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            String doc = m.group("file").equals(README) ? "README.md" : m.group("file");
            int line = lineOf(text, m.start());
            found.add(new Citation(line, doc, oneLine(m.group("head"))));
            int end = m.end();
            Matcher chained = CHAINED.matcher(text);
            while (chained.region(end, text.length()).lookingAt()) {
                found.add(new Citation(lineOf(text, chained.start("head")), doc, oneLine(chained.group("head"))));
                end = chained.end();
            }
            from = end;
        }
        return found;
    }

    /** The headings of a markdown text (# to ######), leaving out lines inside ``` code blocks. */
    static Set<String> headings(String markdown) {
        Set<String> headings = new LinkedHashSet<>();
        boolean inCode = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (!inCode && m.matches()) {
                headings.add(m.group(1));
            }
        }
        return headings;
    }

    private static Set<String> headingsOf(Path doc) {
        if (!Files.isRegularFile(doc)) {
            return null;
        }
        try {
            return headings(Files.readString(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> scannedFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String top : SCANNED) {
            Path start = root.resolve(top);
            if (Files.isRegularFile(start)) {
                files.add(start);
            } else if (Files.isDirectory(start)) {
                try (Stream<Path> walk = Files.walk(start)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    /** The file as text, or null for a file that is not UTF-8 text (test data may be binary). */
    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A heading as cited: a line break inside it, with the comment marks that start the next line, is one space. */
    private static String oneLine(String heading) {
        return heading.replaceAll("\\s*\\n[\\s*#/]*", " ").strip();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
