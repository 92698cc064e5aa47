package org.geminipool.keypool;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Default limits of a model for every project without an override. */
@Entity
@Table(name = "gp_model_quota")
public class ModelQuota extends PanacheEntityBase {
    @Id
    @Column(length = 128)
    public String model;
    @Column(nullable = false)
    public int rpm;
    @Column(nullable = false)
    public int rpd;
    public Integer tpm;
    @Column(name = "updated_at_ms", nullable = false)
    public long updatedAtMs;
}
