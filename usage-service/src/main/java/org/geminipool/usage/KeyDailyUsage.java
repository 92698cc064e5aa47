package org.geminipool.usage;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;

/** Usage per (Pacific day, key id, model). Events without a key id count under their provider ({@code openrouter}). */
@Entity
@Table(name = "usage_daily_key")
@IdClass(KeyDailyUsage.Pk.class)
public class KeyDailyUsage {
    @Id
    @Column(name = "usage_day")
    public LocalDate day;
    @Id
    @Column(name = "key_id", length = 128)
    public String keyId;
    @Id
    @Column(name = "model", length = 128)
    public String model;
    @Embedded
    public UsageCounts counts = new UsageCounts();

    public static class Pk implements Serializable {
        public LocalDate day;
        public String keyId;
        public String model;

        @Override
        public boolean equals(Object o) {
            return o instanceof Pk other && Objects.equals(day, other.day) && Objects.equals(keyId, other.keyId)
                    && Objects.equals(model, other.model);
        }

        @Override
        public int hashCode() {
            return Objects.hash(day, keyId, model);
        }
    }
}
