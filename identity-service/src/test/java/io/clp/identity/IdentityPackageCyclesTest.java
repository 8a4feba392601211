package io.clp.identity;

import io.clp.testing.PackageCyclesContract;

class IdentityPackageCyclesTest extends PackageCyclesContract {

    @Override
    protected String rootPackage() {
        return "io.clp.identity";
    }
}
