# db: the results database (SQLite).  schema.sql is compiled in as a
# string so that the file in the tree is the one the engine creates.
ENGINE_SRCS += db/db.c
UNIT_TESTS += test/db/test_db

$(BUILD)/db/schema_sql.h: db/schema.sql
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q){ echo 'static const char schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } >$@

$(BUILD)/db/db.o: $(BUILD)/db/schema_sql.h
$(BUILD)/db/db.o: FX_CFLAGS += -I$(BUILD)/db
