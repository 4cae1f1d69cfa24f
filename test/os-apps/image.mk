# Link one application's components and the stand-in platform into a
# single program, without gates: the one-compartment image, built
# directly.  Used by the application tests until and unless the OS build
# is asked for instead.
#
#   make -f test/os-apps/image.mk APP=httpd OUT=build/os-apps/httpd
#   EXTRA_CFLAGS=... adds flags (sanitizers, say)
APP ?= httpd
OUT ?= build/os-apps/$(APP)
CC ?= cc
EXTRA_CFLAGS ?=
APPDIR := os/apps/$(APP)

include $(APPDIR)/app.mk

SRCS :=
LIBS :=
INCS := -Ios/plat

define fx_component
COMP_SRCS :=
COMP_LDLIBS :=
COMP_CFLAGS :=
include $(1)/component.mk
SRCS += $$(addprefix $(1)/,$$(COMP_SRCS))
LIBS += $$(COMP_LDLIBS)
INCS += -I$(1)
endef

$(foreach c,$(APP_COMPONENTS),$(eval $(call fx_component,$(APPDIR)/$(c))))
$(foreach c,$(APP_LIBS),$(eval $(call fx_component,os/lib/$(c))))

HDRS := $(wildcard $(dir $(SRCS))*.h)

$(OUT): $(SRCS) $(HDRS) test/os-apps/plat_shim.c test/os-apps/image.mk
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
		$(EXTRA_CFLAGS) $(INCS) -DAPP_ENTRY=$(APP_ENTRY) \
		-DSHIM_APP='"$(APP)"' -DSHIM_APP_DIR='"$(CURDIR)/$(APPDIR)"' \
		-o $@ test/os-apps/plat_shim.c $(SRCS) $(LIBS)
