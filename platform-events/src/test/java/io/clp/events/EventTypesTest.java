package io.clp.events;

import io.clp.events.identity.GrantEvent;
import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationEvent;
import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.events.identity.OrganizationUpdated;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTypesTest {

    @Test
    void everyEventClassOfTheContractIsCataloguedWithItsOwnType() throws Exception {
        List<Class<?>> events = contractClasses().stream()
                .filter(c -> DomainEvent.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers()))
                .toList();
        assertThat(events).hasSizeGreaterThanOrEqualTo(12);
        for (Class<?> event : events) {
            String declared = (String) event.getField("TYPE").get(null);
            assertThat(EventTypes.of(event.asSubclass(DomainEvent.class))).as(event.getName()).isEqualTo(declared);
        }
    }

    @Test
    void anInterfaceStandsForEachOfItsCataloguedEvents() {
        assertThat(EventTypes.all(OrganizationEvent.class)).containsExactly(OrganizationCreated.class, OrganizationUpdated.class,
                OrganizationQuotasChanged.class, OrganizationDeleted.class);
        assertThat(EventTypes.all(GrantEvent.class)).containsExactly(GrantIssued.class, GrantRevoked.class);
        assertThat(EventTypes.all(OrganizationCreated.class)).containsExactly(OrganizationCreated.class);
    }

    @Test
    void aClassOutsideTheCatalogueIsRefusedByName() {
        record Stray(java.util.UUID aggregateId) implements DomainEvent {
            public String aggregateType() {
                return "stray";
            }

            public String eventType() {
                return "io.clp.stray.v1";
            }

            public java.util.UUID orgId() {
                return null;
            }
        }
        assertThatThrownBy(() -> EventTypes.of(Stray.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Stray");
    }

    /** Every class compiled from this module's main sources. */
    private static List<Class<?>> contractClasses() throws URISyntaxException, java.io.IOException {
        Path root = Path.of(DomainEvent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(root::relativize).map(Path::toString)
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .<Class<?>>map(name -> {
                        try {
                            return Class.forName(name);
                        } catch (ClassNotFoundException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }
}
