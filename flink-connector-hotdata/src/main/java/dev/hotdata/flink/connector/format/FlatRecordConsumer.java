package dev.hotdata.flink.connector.format;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.util.List;

/**
 * A {@link RecordConsumer} for a flat schema (every field a top-level primitive column) that hands
 * each value straight to its column writer with the definition level of its field.
 *
 * <p>parquet-java's general consumer ({@code MessageColumnIO}'s record writer) tracks nesting with
 * a stack, a bit set of the fields written per level and a pass over the missing ones per record;
 * for a flat record that bookkeeping cost about a tenth of the encoding time. Here a field is a
 * column: fields must come in ascending order within a record (as {@code RowDataWriteSupport}
 * writes them), and the ones skipped are written as nulls.
 */
final class FlatRecordConsumer extends RecordConsumer {

    private final ColumnWriteStore store;
    private final ColumnWriter[] columns;
    private final int[] definitionLevels;

    /** The first column not yet written in the current record. */
    private int next;

    private ColumnWriter current;
    private int currentLevel;

    FlatRecordConsumer(MessageType schema, ColumnWriteStore store) {
        if (!isFlat(schema)) {
            throw new IllegalArgumentException("Not a flat schema: " + schema);
        }
        List<ColumnDescriptor> descriptors = schema.getColumns();
        this.store = store;
        this.columns = new ColumnWriter[descriptors.size()];
        this.definitionLevels = new int[descriptors.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = store.getColumnWriter(descriptors.get(i));
            definitionLevels[i] = descriptors.get(i).getMaxDefinitionLevel();
        }
    }

    /** Whether every field of {@code schema} is a primitive, non-repeated column. */
    static boolean isFlat(MessageType schema) {
        for (org.apache.parquet.schema.Type field : schema.getFields()) {
            if (!field.isPrimitive()
                    || field.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void startMessage() {
        next = 0;
    }

    @Override
    public void endMessage() {
        nullsUpTo(columns.length);
        store.endRecord();
    }

    @Override
    public void startField(String field, int index) {
        if (index < next) {
            throw new IllegalStateException(
                    "Field " + field + " (" + index + ") written out of order or twice");
        }
        nullsUpTo(index);
        current = columns[index];
        currentLevel = definitionLevels[index];
        next = index + 1;
    }

    private void nullsUpTo(int end) {
        for (int i = next; i < end; i++) {
            // a required column never gets here: RowDataWriteSupport rejects its nulls first
            columns[i].writeNull(0, 0);
        }
        next = Math.max(next, end);
    }

    @Override
    public void endField(String field, int index) {
        current = null;
    }

    @Override
    public void startGroup() {
        throw new UnsupportedOperationException("A flat schema has no groups");
    }

    @Override
    public void endGroup() {
        throw new UnsupportedOperationException("A flat schema has no groups");
    }

    @Override
    public void addInteger(int value) {
        current.write(value, 0, currentLevel);
    }

    @Override
    public void addLong(long value) {
        current.write(value, 0, currentLevel);
    }

    @Override
    public void addBoolean(boolean value) {
        current.write(value, 0, currentLevel);
    }

    @Override
    public void addBinary(Binary value) {
        current.write(value, 0, currentLevel);
    }

    @Override
    public void addFloat(float value) {
        current.write(value, 0, currentLevel);
    }

    @Override
    public void addDouble(double value) {
        current.write(value, 0, currentLevel);
    }
}
