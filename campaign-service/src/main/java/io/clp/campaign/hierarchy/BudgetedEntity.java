package io.clp.campaign.hierarchy;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import org.hibernate.annotations.ColumnTransformer;

import java.math.BigDecimal;
import java.time.LocalDate;

/** A level with money and a flight: campaigns, insertion orders and line items. */
@MappedSuperclass
public abstract class BudgetedEntity extends HierarchyEntity {

    public BigDecimal budget;

    @Column(columnDefinition = "char(3)")
    public String currency;

    @Column(name = "budget_type")
    public String budgetType;

    @Column(name = "start_date")
    public LocalDate startDate;

    @Column(name = "end_date")
    public LocalDate endDate;

    /**
     * The pacing settings, a JSON object, read as its text and shown as kept: parsed into a map, its decimals would
     * become binary floats (12345678.9 written back as 1.23456789E7).
     */
    @ColumnTransformer(read = "pacing::text")
    @Column(columnDefinition = "jsonb", insertable = false, updatable = false)
    public String pacing;
}
