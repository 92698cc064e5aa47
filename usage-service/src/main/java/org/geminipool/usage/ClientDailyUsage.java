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

/** Usage per (Pacific day, client token id, model). Events without a client token id count under {@code unknown}. */
@Entity
@Table(name = "usage_daily_client")
@IdClass(ClientDailyUsage.Pk.class)
public class ClientDailyUsage {
    @Id
    @Column(name = "usage_day")
    public LocalDate day;
    @Id
    @Column(name = "client_token_id", length = 64)
    public String clientTokenId;
    @Id
    @Column(name = "model", length = 128)
    public String model;
    @Embedded
    public UsageCounts counts = new UsageCounts();

    public static class Pk implements Serializable {
        public LocalDate day;
        public String clientTokenId;
        public String model;

        @Override
        public boolean equals(Object o) {
            return o instanceof Pk other && Objects.equals(day, other.day) && Objects.equals(clientTokenId, other.clientTokenId)
                    && Objects.equals(model, other.model);
        }

        @Override
        public int hashCode() {
            return Objects.hash(day, clientTokenId, model);
        }
    }
}
