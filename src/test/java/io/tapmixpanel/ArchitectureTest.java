package io.tapmixpanel;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tap's packages form one-way layers, top to bottom: {@code cli}, {@code sync}, {@code discovery},
 * {@code streams}, {@code output}, {@code config}, then {@code mixpanel} and {@code singer} side by side, and
 * {@code log} under everything. A package may use only the layers below it. {@code output} (RECORD lines or BATCH
 * files) sits between the streams that shape records and the Singer library that writes messages, and knows
 * nothing of Mixpanel. {@code singer} is a Singer library that knows nothing of
 * Mixpanel (it uses no other package of the tap, not even {@code log}); {@code mixpanel} is a Mixpanel client that
 * knows nothing of Singer; inside it, the transport ({@code mixpanel.http}) and export reading
 * ({@code mixpanel.export}) know nothing of the endpoints, and the transport nothing of export. Streams are made in
 * one place, {@code streams.StreamRegistry}; the export stream lives in {@code streams.export} and the governance
 * streams in {@code streams.governance}, which only the registry uses. The sandbox ({@code src/sandbox/java}, compiled on its own into target/sandbox-classes) is an
 * independent implementation of Mixpanel: it imports nothing of the tap, and the tap's main code nothing of it.
 */
class ArchitectureTest {
    private static JavaClasses main;
    private static JavaClasses sandbox;

    @BeforeAll
    static void importMainClasses() {
        // The tap's own compiled classes only (this module's target/classes), not tests or the sandbox module.
        Path classes = Path.of("target", "classes");
        assertTrue(Files.isDirectory(classes.resolve("io/tapmixpanel")), "no compiled classes in " + classes.toAbsolutePath());
        main = new ClassFileImporter().importPath(classes);
        assertFalse(main.isEmpty());
        Path sandboxClasses = Path.of("target", "sandbox-classes");
        assertTrue(Files.isDirectory(sandboxClasses.resolve("io/tapmixpanel/sandbox")),
                "no compiled sandbox in " + sandboxClasses.toAbsolutePath());
        sandbox = new ClassFileImporter().importPath(sandboxClasses);
        assertFalse(sandbox.isEmpty());
    }

    @Test
    void eachPackageUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.tapmixpanel.cli..")
                .layer("sync").definedBy("io.tapmixpanel.sync..")
                .layer("discovery").definedBy("io.tapmixpanel.discovery..")
                .layer("streams").definedBy("io.tapmixpanel.streams..")
                .layer("output").definedBy("io.tapmixpanel.output..")
                .layer("config").definedBy("io.tapmixpanel.config..")
                .layer("mixpanel").definedBy("io.tapmixpanel.mixpanel..")
                .layer("singer").definedBy("io.tapmixpanel.singer..")
                .layer("log").definedBy("io.tapmixpanel.log..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("sync").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("discovery").mayOnlyBeAccessedByLayers("cli", "sync")
                .whereLayer("streams").mayOnlyBeAccessedByLayers("cli", "sync", "discovery")
                .whereLayer("output").mayOnlyBeAccessedByLayers("cli", "sync", "discovery", "streams")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "sync", "discovery", "streams", "output")
                .whereLayer("mixpanel").mayOnlyBeAccessedByLayers("cli", "sync", "discovery", "streams", "config")
                .whereLayer("singer").mayOnlyBeAccessedByLayers("cli", "sync", "discovery", "streams", "output", "config")
                .check(main);
    }

    @Test
    void singerIsAStandaloneSingerLibrary() {
        noClasses().that().resideInAPackage("io.tapmixpanel.singer..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tapmixpanel.cli..", "io.tapmixpanel.sync..",
                        "io.tapmixpanel.discovery..", "io.tapmixpanel.streams..", "io.tapmixpanel.output..",
                        "io.tapmixpanel.config..", "io.tapmixpanel.mixpanel..", "io.tapmixpanel.log..")
                .check(main);
    }

    @Test
    void mixpanelClientKnowsNothingOfSinger() {
        noClasses().that().resideInAPackage("io.tapmixpanel.mixpanel..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tapmixpanel.singer..", "io.tapmixpanel.output..", "io.tapmixpanel.config..",
                        "io.tapmixpanel.streams..", "io.tapmixpanel.sync..", "io.tapmixpanel.discovery..", "io.tapmixpanel.cli..")
                .check(main);
    }

    /** The client's public values, the only classes of {@code mixpanel} itself that its sub-packages may use. */
    private static final java.util.Set<String> CLIENT_VALUES = java.util.Set.of("ClientSettings", "Credentials",
            "Region", "RetryPolicy", "CallBudgets", "HttpListener", "MixpanelApiException", "PaymentRequiredException");

    private static com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass>
            clientClassesBut(java.util.Set<String> allowed) {
        return com.tngtech.archunit.base.DescribedPredicate.describe("are in mixpanel itself and not among " + allowed, c ->
                c.getPackageName().equals("io.tapmixpanel.mixpanel")
                        && !allowed.contains(c.getName().substring(c.getPackageName().length() + 1).split("\\$")[0]));
    }

    @Test
    void theTransportKnowsNothingOfExportReadingNorOfTheEndpoints() {
        noClasses().that().resideInAPackage("io.tapmixpanel.mixpanel.http..")
                .should().dependOnClassesThat().resideInAPackage("io.tapmixpanel.mixpanel.export..")
                .orShould().dependOnClassesThat(clientClassesBut(CLIENT_VALUES))
                .check(main);
    }

    @Test
    void exportReadingKnowsNothingOfTheEndpoints() {
        noClasses().that().resideInAPackage("io.tapmixpanel.mixpanel.export..")
                .should().dependOnClassesThat(clientClassesBut(java.util.Set.of("MixpanelApiException")))
                .check(main);
    }

    @Test
    void outputWritesSingerAndKnowsNothingOfMixpanelOrOfTheStreams() {
        noClasses().that().resideInAPackage("io.tapmixpanel.output..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tapmixpanel.mixpanel..", "io.tapmixpanel.streams..",
                        "io.tapmixpanel.sync..", "io.tapmixpanel.discovery..", "io.tapmixpanel.cli..")
                .check(main);
    }

    /**
     * Each stream is defined once (docs/streams.md "Streams"): only the registry makes stream objects, so no other code can
     * hold a second list of streams or pick a stream by a default branch.
     */
    @Test
    void onlyTheRegistryMakesStreams() {
        noClasses().that().doNotHaveFullyQualifiedName("io.tapmixpanel.streams.StreamRegistry")
                .should().callConstructorWhere(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "a constructor of a TapStream (other than the stream's own copies)",
                        call -> call.getTargetOwner().isAssignableTo("io.tapmixpanel.streams.TapStream")
                                && !call.getOriginOwner().equals(call.getTargetOwner())))
                .check(main);
    }

    /** The governance streams are reached through the registry only, like every other stream. */
    @Test
    void governanceStreamsAreReachedOnlyThroughTheRegistry() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().that().resideInAPackage("io.tapmixpanel.streams.governance..")
                .should().onlyBeAccessed().byClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "the registry or the governance package",
                        (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith("io.tapmixpanel.streams.governance")
                                || c.getName().equals("io.tapmixpanel.streams.StreamRegistry")))
                .check(main);
    }

    /**
     * The export stream (its renderer, spools, watermark...) is reached through the registry only, like every other
     * stream; the code the streams share stays in {@code streams} and never reaches back into it.
     */
    @Test
    void exportStreamIsReachedOnlyThroughTheRegistry() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().that().resideInAPackage("io.tapmixpanel.streams.export..")
                .should().onlyBeAccessed().byClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "the registry or the export package",
                        (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith("io.tapmixpanel.streams.export")
                                || c.getName().equals("io.tapmixpanel.streams.StreamRegistry")))
                .check(main);
    }

    @Test
    void noTapClassUsesTheSandbox() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.tapmixpanel.sandbox..").check(main);
    }

    @Test
    void theSandboxUsesNothingOfTheTap() {
        noClasses().should().dependOnClassesThat(
                        com.tngtech.archunit.base.DescribedPredicate.describe("a class of the tap",
                                c -> c.getPackageName().startsWith("io.tapmixpanel.")
                                        && !c.getPackageName().startsWith("io.tapmixpanel.sandbox")))
                .check(sandbox);
    }
}
