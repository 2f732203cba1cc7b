package dev.hotdata.flink.connector.architecture;

import org.apache.flink.architecture.common.ImportOptions;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The connector's layering: table and catalog above sink and source, which sit above format and the
 * HTTP client; the client knows nothing of Flink; no package depends on another in a circle.
 */
@AnalyzeClasses(
        packages = "dev.hotdata.flink.connector",
        importOptions = {
            ImportOption.DoNotIncludeTests.class,
            ImportOptions.ExcludeShadedImportOption.class
        })
public class HotdataLayeringTest {

    private static final String ROOT = "dev.hotdata.flink.connector";

    @ArchTest
    public static final ArchRule CLIENT_KNOWS_NOTHING_OF_FLINK =
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + ".client..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("org.apache.flink..")
                    .because("the HTTP client is usable and testable without Flink");

    @ArchTest
    public static final ArchRule CLIENT_IS_THE_BOTTOM_LAYER =
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + ".client..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            ROOT + ".format..",
                            ROOT + ".sink..",
                            ROOT + ".table..",
                            ROOT + ".catalog..",
                            ROOT + ".source..");

    @ArchTest
    public static final ArchRule FORMAT_DEPENDS_ON_NO_CONNECTOR_LAYER_ABOVE_IT =
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + ".format..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            ROOT + ".sink..",
                            ROOT + ".table..",
                            ROOT + ".catalog..",
                            ROOT + ".source..",
                            ROOT + ".client..");

    @ArchTest
    public static final ArchRule SINK_AND_SOURCE_ARE_BELOW_TABLE_AND_CATALOG =
            noClasses()
                    .that()
                    .resideInAnyPackage(ROOT + ".sink..", ROOT + ".source..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(ROOT + ".table..", ROOT + ".catalog..");

    @ArchTest
    public static final ArchRule SINK_AND_SOURCE_ARE_INDEPENDENT =
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + ".source..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(ROOT + ".sink..");

    @ArchTest
    public static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    @ArchTest
    public static final ArchRule PUBLIC_CLASSES_SAY_HOW_STABLE_THEY_ARE =
            classes()
                    .that()
                    .resideInAPackage(ROOT + "..")
                    .and()
                    .resideOutsideOfPackage(ROOT + ".client..")
                    .and()
                    .arePublic()
                    .and()
                    .areTopLevelClasses()
                    .and()
                    .doNotHaveModifier(JavaModifier.SYNTHETIC)
                    .and()
                    .haveSimpleNameNotEndingWith("package-info")
                    .should()
                    .beAnnotatedWith(org.apache.flink.annotation.PublicEvolving.class)
                    .orShould()
                    .beAnnotatedWith(org.apache.flink.annotation.Internal.class)
                    .orShould()
                    .beAnnotatedWith(org.apache.flink.annotation.Experimental.class)
                    .orShould()
                    .beAnnotatedWith(org.apache.flink.annotation.Public.class);
}
