package dev.hotdata.flink.connector.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Back-off arithmetic of {@link RetryPolicy}. */
class RetryPolicyTest {

    @Test
    void defaults() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.maxRetries()).isEqualTo(5);
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.multiplier()).isEqualTo(2.0);
        assertThat(p.jitter()).isEqualTo(0.5);
        assertThat(p.deadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(RetryPolicy.none().maxRetries()).isZero();
    }

    @Test
    void exponentialWithoutJitterAndCapped() {
        RetryPolicy p = RetryPolicy.builder().jitter(0).build();
        assertThat(p.backoff(1, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(2, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(3, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoff(7, null)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.backoff(1000, null)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void jitterStaysWithinBounds() {
        RetryPolicy p = RetryPolicy.defaults();
        boolean sawShorter = false;
        for (int i = 0; i < 200; i++) {
            Duration d = p.backoff(3, null);
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
            sawShorter |= d.compareTo(Duration.ofSeconds(4)) < 0;
        }
        assertThat(sawShorter).as("jitter varies the back-off").isTrue();
    }

    @Test
    void neverShorterThanRetryAfter() {
        RetryPolicy p = RetryPolicy.defaults();
        for (int i = 0; i < 50; i++) {
            assertThat(p.backoff(1, Duration.ofSeconds(5)))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
            // beyond maxBackoff too: the server knows best
            assertThat(p.backoff(1, Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        }
        assertThat(RetryPolicy.builder().jitter(0).build().backoff(4, Duration.ofSeconds(1)))
                .isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                RetryPolicy.builder()
                                        .initialBackoff(Duration.ofSeconds(10))
                                        .maxBackoff(Duration.ofSeconds(1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RetryPolicy.defaults().toBuilder().build()).isEqualTo(RetryPolicy.defaults());
    }
}
