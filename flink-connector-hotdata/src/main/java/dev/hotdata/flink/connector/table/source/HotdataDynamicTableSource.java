package dev.hotdata.flink.connector.table.source;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.source.HotdataSource;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsLimitPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code hotdata} table as a bounded scan: a query on the server, with the columns the plan
 * needs, the filters Hotdata can evaluate (comparisons of a column with a literal, IS [NOT] NULL,
 * AND, OR) and the LIMIT pushed into its SQL.
 */
@Internal
public class HotdataDynamicTableSource
        implements ScanTableSource,
                SupportsProjectionPushDown,
                SupportsFilterPushDown,
                SupportsLimitPushDown {

    private static final Map<FunctionDefinition, String> COMPARISONS = new HashMap<>();

    static {
        COMPARISONS.put(BuiltInFunctionDefinitions.EQUALS, "=");
        COMPARISONS.put(BuiltInFunctionDefinitions.NOT_EQUALS, "<>");
        COMPARISONS.put(BuiltInFunctionDefinitions.GREATER_THAN, ">");
        COMPARISONS.put(BuiltInFunctionDefinitions.GREATER_THAN_OR_EQUAL, ">=");
        COMPARISONS.put(BuiltInFunctionDefinitions.LESS_THAN, "<");
        COMPARISONS.put(BuiltInFunctionDefinitions.LESS_THAN_OR_EQUAL, "<=");
    }

    private final HotdataClientConfig clientConfig;
    private final String databaseName;
    private final String databaseId;
    private final String schema;
    private final String table;
    private final int pageSize;
    private RowType rowType;
    private final List<String> filters = new ArrayList<>();
    private long limit = -1;

    public HotdataDynamicTableSource(
            HotdataClientConfig clientConfig,
            String databaseName,
            String databaseId,
            String schema,
            String table,
            RowType rowType,
            int pageSize) {
        this.clientConfig = clientConfig;
        this.databaseName = databaseName;
        this.databaseId = databaseId;
        this.schema = schema;
        this.table = table;
        this.rowType = rowType;
        this.pageSize = pageSize;
    }

    /** The SQL the scan sends, with everything pushed down so far. */
    public String sql() {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<String> names = rowType.getFieldNames();
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quote(names.get(i)));
        }
        if (names.isEmpty()) {
            sql.append("1");
        }
        sql.append(" FROM ").append(schema).append('.').append(table);
        if (!filters.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", filters));
        }
        if (limit >= 0) {
            sql.append(" LIMIT ").append(limit);
        }
        return sql.toString();
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return ChangelogMode.insertOnly();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        return SourceProvider.of(
                new HotdataSource(
                        clientConfig, databaseName, databaseId, sql(), rowType, pageSize));
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        this.rowType = (RowType) producedDataType.getLogicalType();
    }

    @Override
    public Result applyFilters(List<ResolvedExpression> expressions) {
        List<ResolvedExpression> accepted = new ArrayList<>();
        List<ResolvedExpression> remaining = new ArrayList<>();
        for (ResolvedExpression expression : expressions) {
            Optional<String> sql = toSql(expression);
            if (sql.isPresent()) {
                filters.add(sql.get());
                accepted.add(expression);
            } else {
                remaining.add(expression);
            }
        }
        return Result.of(accepted, remaining);
    }

    @Override
    public void applyLimit(long limit) {
        this.limit = limit;
    }

    /** SQL for a filter Hotdata evaluates the same way Flink does, or empty. */
    static Optional<String> toSql(Expression expression) {
        if (!(expression instanceof CallExpression)) {
            return Optional.empty();
        }
        CallExpression call = (CallExpression) expression;
        FunctionDefinition function = call.getFunctionDefinition();
        List<Expression> args = call.getChildren();
        if (function == BuiltInFunctionDefinitions.AND
                || function == BuiltInFunctionDefinitions.OR) {
            List<String> parts = new ArrayList<>();
            for (Expression arg : args) {
                Optional<String> part = toSql(arg);
                if (!part.isPresent()) {
                    return Optional.empty();
                }
                parts.add(part.get());
            }
            String op = function == BuiltInFunctionDefinitions.AND ? " AND " : " OR ";
            return Optional.of("(" + String.join(op, parts) + ")");
        }
        if ((function == BuiltInFunctionDefinitions.IS_NULL
                        || function == BuiltInFunctionDefinitions.IS_NOT_NULL)
                && args.size() == 1
                && args.get(0) instanceof FieldReferenceExpression) {
            return Optional.of(
                    quote(((FieldReferenceExpression) args.get(0)).getName())
                            + (function == BuiltInFunctionDefinitions.IS_NULL
                                    ? " IS NULL"
                                    : " IS NOT NULL"));
        }
        String op = COMPARISONS.get(function);
        if (op == null || args.size() != 2) {
            return Optional.empty();
        }
        Expression left = args.get(0);
        Expression right = args.get(1);
        if (left instanceof ValueLiteralExpression && right instanceof FieldReferenceExpression) {
            Expression swap = left;
            left = right;
            right = swap;
            op = flip(op);
        }
        if (!(left instanceof FieldReferenceExpression)
                || !(right instanceof ValueLiteralExpression)) {
            return Optional.empty();
        }
        Optional<String> literal = literal((ValueLiteralExpression) right);
        if (!literal.isPresent()) {
            return Optional.empty();
        }
        return Optional.of(
                quote(((FieldReferenceExpression) left).getName())
                        + " "
                        + op
                        + " "
                        + literal.get());
    }

    private static String flip(String op) {
        switch (op) {
            case ">":
                return "<";
            case ">=":
                return "<=";
            case "<":
                return ">";
            case "<=":
                return ">=";
            default:
                return op;
        }
    }

    private static Optional<String> literal(ValueLiteralExpression literal) {
        if (literal.isNull()) {
            return Optional.empty(); // comparisons with NULL: left to Flink
        }
        Class<?> clazz = literal.getOutputDataType().getConversionClass();
        Optional<?> value = literal.getValueAs(clazz);
        if (!value.isPresent()) {
            return Optional.empty();
        }
        Object v = value.get();
        if (v instanceof String) {
            return Optional.of("'" + ((String) v).replace("'", "''") + "'");
        }
        if (v instanceof Integer
                || v instanceof Long
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigDecimal) {
            return Optional.of(v.toString());
        }
        if (v instanceof Boolean) {
            return Optional.of(((Boolean) v) ? "TRUE" : "FALSE");
        }
        if (v instanceof LocalDate) {
            return Optional.of("DATE '" + v + "'");
        }
        if (v instanceof LocalDateTime) {
            return Optional.of("TIMESTAMP '" + v.toString().replace('T', ' ') + "'");
        }
        return Optional.empty(); // floating point and other types: evaluated by Flink
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public DynamicTableSource copy() {
        HotdataDynamicTableSource copy =
                new HotdataDynamicTableSource(
                        clientConfig, databaseName, databaseId, schema, table, rowType, pageSize);
        copy.filters.addAll(filters);
        copy.limit = limit;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "Hotdata(" + schema + "." + table + ")";
    }
}
