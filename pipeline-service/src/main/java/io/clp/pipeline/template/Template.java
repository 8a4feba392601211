package io.clp.pipeline.template;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.clp.platform.persistence.JsonStringList;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One version of a pipeline template. A lineage is the first version (its root, {@code root_template_id} null) and every
 * version made by editing; only its newest version is active. Public templates (no organization) ship with CLP.
 * {@code usage_count} is only ever incremented by a set-based update ({@link TemplateRepository#countUse}) and
 * {@code satisfaction_rating} is not mapped: nothing writes it yet.
 */
@Entity
@Table(name = "templates")
public class Template extends PanacheEntityBase {

    public static final String ENTITY_TYPE = "template";

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(columnDefinition = "text")
    public String description;

    public String category;

    @Column(name = "template_type", nullable = false)
    public String templateType;

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.NAMED_ENUM)
    @Column(name = "dsp_type", columnDefinition = "dsp_type")
    public DspType dspType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> config;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "default_params", nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> defaultParams;

    @Convert(converter = JsonStringList.class)
    @ColumnTransformer(read = "CAST(required_inputs AS text)", write = "CAST(CAST(? AS text) AS jsonb)")
    @Column(name = "required_inputs", nullable = false, columnDefinition = "jsonb")
    public List<String> requiredInputs;

    @Convert(converter = JsonStringList.class)
    @ColumnTransformer(read = "CAST(optional_inputs AS text)", write = "CAST(CAST(? AS text) AS jsonb)")
    @Column(name = "optional_inputs", nullable = false, columnDefinition = "jsonb")
    public List<String> optionalInputs;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "input_schema", nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> inputSchema;

    @Column(name = "is_public", nullable = false)
    public boolean publicTemplate;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "org_id")
    public UUID orgId;

    @Column(name = "usage_count", nullable = false, insertable = false, updatable = false)
    public int usageCount;

    @Column(nullable = false)
    public int version;

    @Column(name = "parent_template_id")
    public UUID parentTemplateId;

    @Column(name = "root_template_id")
    public UUID rootTemplateId;

    @Column(name = "is_active", nullable = false)
    public boolean active;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    public Instant updatedAt;

    /** The id of the lineage's first version. */
    public UUID lineage() {
        return rootTemplateId != null ? rootTemplateId : id;
    }
}
