package io.clp.platform.pagination;

import io.clp.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorTest {

    @Test
    void roundTripsThePosition() {
        Cursor cursor = new Cursor(Instant.parse("2026-03-04T05:06:07.123456Z"), UUID.randomUUID());
        assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void rejectsACursorItDidNotIssueAsAValidationProblem() {
        assertThatThrownBy(() -> Cursor.decode("bm90LWEtY3Vyc29y"))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors()).extracting("field").containsExactly("cursor"));
    }

    @Test
    void aPageBuiltFromOneExtraRowPointsAfterItsLastItem() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Page<UUID> page = Page.of(List.of(a, b, c), 2, id -> new Cursor(t, id), id -> id);

        assertThat(page.items()).containsExactly(a, b);
        assertThat(Cursor.decode(page.nextCursor()).id()).isEqualTo(b);
        assertThat(Page.of(List.of(a), 2, id -> new Cursor(t, id), id -> id).nextCursor()).isNull();
    }

    @Test
    void aPageOfTheRowsThemselvesKeepsTheLimitAndEncodesItsOwnCursorOnlyWhenMoreFollow() {
        List<String> asked = new ArrayList<>();
        Page<String> page = Page.of(List.of("a", "b", "c"), 2, last -> {
            asked.add(last);
            return "after-" + last;
        });

        assertThat(page.items()).containsExactly("a", "b");
        assertThat(page.nextCursor()).isEqualTo("after-b");
        Page<String> last = Page.of(List.of("a", "b"), 2, row -> {
            asked.add(row);
            return "after-" + row;
        });
        assertThat(last.items()).containsExactly("a", "b");
        assertThat(last.nextCursor()).isNull();
        assertThat(asked).containsExactly("b");
    }

    @Test
    void limitsThePageSize() {
        assertThat(PageRequest.of(null, null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
        assertThatThrownBy(() -> PageRequest.of(0, null)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> PageRequest.of(201, null)).isInstanceOf(ProblemException.class);
    }
}
