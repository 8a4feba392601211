package io.clp.audit;

import io.clp.testing.PackageCyclesContract;

class AuditPackageCyclesTest extends PackageCyclesContract {

    @Override
    protected String rootPackage() {
        return "io.clp.audit";
    }
}
