package io.clp.pipeline.run.stage;

import io.clp.pipeline.campaigns.EntityKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTableTest {

    @Test
    void aKeyIsInternedOnceAndTheTableRefusesMoreEntitiesThanItMayHold() {
        DataPath.KeyTable keys = new DataPath.KeyTable(2, 1_000);
        int spring = keys.intern(new EntityKey.ByNames("Spring", "S", "P", "Banner"));
        assertThat(keys.intern(new EntityKey.ByNames("Spring", "S", "P", "Banner"))).isEqualTo(spring);
        assertThat(keys.intern(new EntityKey.ByExternalId("line_item", "li-1"))).isNotEqualTo(spring);

        assertThatThrownBy(() -> keys.intern(new EntityKey.ByNames("Summer", null, null, null)))
                .isInstanceOf(PermanentStageFailure.class).hasMessageContaining("more than 2 distinct entities");
    }

    @Test
    void theNamesOfAllKeysTogetherAreBoundedSoThatLongNamesCannotFillTheHeap() {
        DataPath.KeyTable keys = new DataPath.KeyTable(50_000, 2_100);
        String name = "x".repeat(500);
        keys.intern(new EntityKey.ByNames(name, name, name, "a"));
        keys.intern(new EntityKey.ByNames(name, "b", null, null));

        assertThatThrownBy(() -> keys.intern(new EntityKey.ByNames(name, name, name, "c")))
                .isInstanceOf(PermanentStageFailure.class).hasMessageContaining("more than 2100 characters")
                .hasMessageContaining("2 distinct entities so far");
        assertThat(DataPath.KeyTable.MAX_CHARS).as("the default: 50,000 keys of 200 characters").isEqualTo(10_000_000);
    }
}
