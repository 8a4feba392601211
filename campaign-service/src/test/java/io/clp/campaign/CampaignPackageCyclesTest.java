package io.clp.campaign;

import io.clp.testing.PackageCyclesContract;

class CampaignPackageCyclesTest extends PackageCyclesContract {

    @Override
    protected String rootPackage() {
        return "io.clp.campaign";
    }
}
