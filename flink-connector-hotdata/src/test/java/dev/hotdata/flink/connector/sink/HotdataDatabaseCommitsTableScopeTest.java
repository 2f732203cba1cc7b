package dev.hotdata.flink.connector.sink;

import dev.hotdata.local.api.LockScope;

/**
 * {@link HotdataDatabaseCommitsTest} against a server that locks per table: the members' loads run
 * at once, with the same outcomes, log rows and request counts.
 */
class HotdataDatabaseCommitsTableScopeTest extends HotdataDatabaseCommitsTest {
    @Override
    LockScope lockScope() {
        return LockScope.TABLE;
    }
}
