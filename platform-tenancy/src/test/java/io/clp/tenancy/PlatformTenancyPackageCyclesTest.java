package io.clp.tenancy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shared module's packages depend on each other in one direction only, as the services' do
 * (platform-testing's PackageCyclesContract, which this module cannot use: platform-testing depends on it).
 */
class PlatformTenancyPackageCyclesTest {

    @Test
    void noPackageDependsOnAPackageThatDependsOnItBack() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.clp.tenancy");
        slices().matching("io.clp.tenancy.(*)..").should().beFreeOfCycles().check(classes);
    }
}
