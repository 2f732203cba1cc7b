package dev.hotdata.flink.connector.table.source;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Filters the scan source pushes into the query, and those it leaves to Flink. */
class HotdataDynamicTableSourceTest {

    private static FieldReferenceExpression field(String name) {
        return new FieldReferenceExpression(name, DataTypes.BIGINT(), 0, 0);
    }

    private static CallExpression call(
            org.apache.flink.table.functions.BuiltInFunctionDefinition f,
            ResolvedExpression... args) {
        return CallExpression.permanent(f, Arrays.asList(args), DataTypes.BOOLEAN());
    }

    @Test
    void simpleFiltersBecomeSqlAndOthersStayInFlink() {
        assertThat(
                        HotdataDynamicTableSource.toSql(
                                call(
                                        BuiltInFunctionDefinitions.AND,
                                        call(
                                                BuiltInFunctionDefinitions.GREATER_THAN,
                                                new ValueLiteralExpression(5L),
                                                field("id")),
                                        call(
                                                BuiltInFunctionDefinitions.EQUALS,
                                                field("name"),
                                                new ValueLiteralExpression("o'k")))))
                .contains("(\"id\" < 5 AND \"name\" = 'o''k')");
        assertThat(
                        HotdataDynamicTableSource.toSql(
                                call(BuiltInFunctionDefinitions.IS_NULL, field("id"))))
                .contains("\"id\" IS NULL");
        // a floating-point literal is left to Flink
        assertThat(
                        HotdataDynamicTableSource.toSql(
                                call(
                                        BuiltInFunctionDefinitions.EQUALS,
                                        field("score"),
                                        new ValueLiteralExpression(1.5d))))
                .isEmpty();
        // a column compared with a column is left to Flink
        assertThat(
                        HotdataDynamicTableSource.toSql(
                                call(BuiltInFunctionDefinitions.EQUALS, field("a"), field("b"))))
                .isEmpty();
    }
}
