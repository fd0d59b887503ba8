package dev.idconsent.consent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The house rules of docs/ARCHITECTURE.md, checked on the compiled classes: a new package cycle or a dependency
 * against the layering fails the build with the classes that break it.
 */
@DisplayName("Architecture: no package cycles, the layering holds")
class ArchitectureTest {
    static final String ROOT = "dev.idconsent.consent";
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    @Test
    @DisplayName("given the feature packages, then none depends on another that depends back on it")
    void noCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    @DisplayName("given the domain (the root package), then it uses only Java and itself: no Keycloak, no JPA")
    void plainDomain() {
        classes().that().resideInAPackage(ROOT).should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT, "java..", "javax.crypto..").check(CLASSES); // the JDK's HMAC is Java too
    }

    @Test
    @DisplayName("given the JPA entities, then only the persistence package uses them")
    void entitiesStayInJpa() {
        classes().that().areAnnotatedWith(jakarta.persistence.Entity.class).should().onlyBeAccessed()
                .byClassesThat().resideInAPackage(ROOT + ".jpa..").check(CLASSES);
    }

    @Test
    @DisplayName("given the REST resources and the admin API, then they never talk to JPA themselves")
    void resourcesWithoutJpa() {
        noClasses().that().resideInAnyPackage(ROOT + ".rest..", ROOT + ".admin..").should().dependOnClassesThat()
                .resideInAPackage("jakarta.persistence..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(
                        "org.keycloak.connections.jpa.JpaConnectionProvider")
                .check(CLASSES);
    }

    @Test
    @DisplayName("given the layers, then each uses only the ones below it")
    void layers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("admin API").definedBy(ROOT + ".admin..")
                .layer("webhooks").definedBy(ROOT + ".webhooks..")
                .layer("surfaces").definedBy(ROOT + ".rest..", ROOT + ".login..", ROOT + ".mapper..",
                        ROOT + ".lifecycle..")
                .layer("wiring").definedBy(ROOT + ".model..")
                .layer("channels").definedBy(ROOT + ".mail..", ROOT + ".events..")
                .layer("catalog").definedBy(ROOT + ".catalog..")
                .layer("persistence").definedBy(ROOT + ".jpa..")
                .layer("domain").definedBy(ROOT)
                .whereLayer("admin API").mayNotBeAccessedByAnyLayer()
                .whereLayer("webhooks").mayOnlyBeAccessedByLayers("admin API")
                .whereLayer("surfaces").mayOnlyBeAccessedByLayers("webhooks", "admin API")
                .whereLayer("wiring").mayOnlyBeAccessedByLayers("surfaces", "admin API")
                .whereLayer("channels").mayOnlyBeAccessedByLayers("wiring", "surfaces", "webhooks", "admin API")
                .whereLayer("catalog").mayOnlyBeAccessedByLayers("channels", "wiring", "surfaces", "admin API")
                .whereLayer("persistence").mayOnlyBeAccessedByLayers("catalog", "wiring", "surfaces", "webhooks",
                        "admin API")
                .check(CLASSES);
    }
}
