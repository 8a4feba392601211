package io.clp.campaign.hierarchy;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

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

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> pacing;
}
