package io.clp.testing;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * No package of a service imports a package that imports it back: the shared model sits underneath,
 * business packages depend downward only, so each can be read, changed and tested without the rest.
 * A service's test extends this and names its root package; it needs no running service.
 */
public abstract class PackageCyclesContract {

    /** The service's root package, for example {@code io.clp.identity}. */
    protected abstract String rootPackage();

    @Test
    void noPackageDependsOnAPackageThatDependsOnItBack() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage());
        slices().matching(rootPackage() + ".(*)..").should().beFreeOfCycles().check(classes);
    }
}
