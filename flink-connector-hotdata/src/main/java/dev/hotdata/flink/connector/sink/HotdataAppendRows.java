package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

import java.io.IOException;
import java.util.List;

/**
 * Insert-only rows written straight to rolling Parquet files ({@code append} and {@code replace}):
 * nothing is kept in heap beyond the open row group.
 */
@Internal
final class HotdataAppendRows implements HotdataPendingRows {

    private final HotdataRollingFiles files;
    private final String description;

    HotdataAppendRows(HotdataRollingFiles files, String description) {
        this.files = files;
        this.description = description;
    }

    @Override
    public void add(RowData row) throws IOException {
        if (row.getRowKind() != RowKind.INSERT) {
            throw new IOException(
                    "The Hotdata sink into "
                            + description
                            + " accepts only inserts, but received a row of kind "
                            + row.getRowKind()
                            + ". Declare a primary key and use write mode 'upsert' for a"
                            + " changelog.");
        }
        files.write(row);
    }

    @Override
    public List<HotdataRollingFiles.LocalFile> takeReady() {
        return files.hasFinished()
                ? files.takeFinished()
                : java.util.Collections.<HotdataRollingFiles.LocalFile>emptyList();
    }

    @Override
    public List<HotdataRollingFiles.LocalFile> drain() throws IOException {
        return files.drain();
    }

    @Override
    public long peakBufferedBytes() {
        return files.peakBufferedBytes();
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
