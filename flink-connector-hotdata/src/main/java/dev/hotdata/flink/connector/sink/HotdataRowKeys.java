package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects the key columns of a row into a compact, self-contained {@link BinaryRowData} usable as
 * a hash key, and refuses rows whose key has a NULL: Hotdata rejects NULL keys, and a row with one
 * cannot be merged by key.
 */
@Internal
final class HotdataRowKeys {

    private final RowType keyType;
    private final String[] keyNames;
    private final RowData.FieldGetter[] getters;
    private final RowDataSerializer keySerializer;
    private final String target;

    HotdataRowKeys(RowType rowType, List<String> keyColumns, String target) {
        List<RowType.RowField> fields = new ArrayList<>();
        this.getters = new RowData.FieldGetter[keyColumns.size()];
        this.keyNames = keyColumns.toArray(new String[0]);
        for (int i = 0; i < keyColumns.size(); i++) {
            int index = rowType.getFieldNames().indexOf(keyColumns.get(i));
            if (index < 0) {
                throw new IllegalArgumentException(
                        "Key column '" + keyColumns.get(i) + "' is not in " + rowType);
            }
            LogicalType type = rowType.getTypeAt(index);
            fields.add(new RowType.RowField(keyColumns.get(i), type.copy(false)));
            getters[i] = RowData.createFieldGetter(type, index);
        }
        this.keyType = new RowType(false, fields);
        this.keySerializer = new RowDataSerializer(keyType);
        this.target = target;
    }

    /** The row type of the key columns alone (the schema of delete files). */
    RowType keyType() {
        return keyType;
    }

    /** The row's key, copied out of any buffer Flink may reuse. */
    BinaryRowData keyOf(RowData row) throws IOException {
        GenericRowData key = new GenericRowData(getters.length);
        for (int i = 0; i < getters.length; i++) {
            Object value = getters[i].getFieldOrNull(row);
            if (value == null) {
                throw new IOException(
                        "Key column '"
                                + keyNames[i]
                                + "' of a row for "
                                + target
                                + " is NULL. Hotdata tables cannot hold NULL keys; filter such"
                                + " rows or fill the key before the sink.");
            }
            key.setField(i, value);
        }
        return keySerializer.toBinaryRow(key).copy();
    }
}
