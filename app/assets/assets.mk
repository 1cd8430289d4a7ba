# Front-end assets for lantern (GNU make fragment).
#
# Included by the top-level Makefile (`include app/assets/assets.mk`), or run
# alone from the repository root: `make -f app/assets/assets.mk assets`.
# Paths are relative to the repository root. node_modules/ must already exist
# (`make deps` runs `npm ci`).
#
# `make assets` builds, only what is out of date:
#   build/assets/lantern.css            app/assets/lantern.scss, compiled and compressed
#   build/assets/lantern.js             app/assets/lantern.js
#   build/assets/govuk-frontend.min.js  from node_modules/govuk-frontend
#   build/assets/favicon.svg            app/assets/favicon.svg
#   build/assets/VERSION                first 10 hex digits of the sha256 of the
#                                       four files above, then a newline; the app
#                                       links /assets/<VERSION>/lantern.css etc.
#
# No GOV.UK images or fonts are copied: they are GOV.UK's brand (crown, crest,
# GDS Transport).

# Keep the including Makefile's default goal: this fragment's first rule must
# not become it.
ASSETS_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

ASSETS_SRC_DIR := app/assets
ASSETS_OUT_DIR := build/assets
ASSETS_NODE_MODULES := node_modules
ASSETS_SASS := $(ASSETS_NODE_MODULES)/.bin/sass
ASSETS_SASS_FLAGS := --pkg-importer=node --no-source-map --style=compressed
ASSETS_GOVUK_DIR := $(ASSETS_NODE_MODULES)/govuk-frontend
ASSETS_GOVUK_JS := $(ASSETS_GOVUK_DIR)/dist/govuk/govuk-frontend.min.js

# Sass sources: lantern.scss and its partials. The govuk-frontend package.json
# stands for the whole package, so an upgrade rebuilds the CSS.
ASSETS_SCSS := $(ASSETS_SRC_DIR)/lantern.scss $(wildcard $(ASSETS_SRC_DIR)/_*.scss)
ASSETS_SCSS_DEPS := $(ASSETS_SCSS) $(ASSETS_GOVUK_DIR)/package.json

# Hashed into VERSION, in this order.
ASSETS_FILES := \
	$(ASSETS_OUT_DIR)/lantern.css \
	$(ASSETS_OUT_DIR)/lantern.js \
	$(ASSETS_OUT_DIR)/govuk-frontend.min.js \
	$(ASSETS_OUT_DIR)/favicon.svg

ASSETS_VERSION_FILE := $(ASSETS_OUT_DIR)/VERSION

# The built version, for recipes that need it (empty before the first build).
ASSETS_VERSION = $(shell cat $(ASSETS_VERSION_FILE) 2>/dev/null)

.PHONY: assets assets-clean

assets: $(ASSETS_FILES) $(ASSETS_VERSION_FILE)

$(ASSETS_OUT_DIR):
	mkdir -p $@

$(ASSETS_OUT_DIR)/lantern.css: $(ASSETS_SCSS_DEPS) | $(ASSETS_OUT_DIR)
	$(ASSETS_SASS) $(ASSETS_SASS_FLAGS) $< $@.tmp
	mv $@.tmp $@

$(ASSETS_OUT_DIR)/lantern.js: $(ASSETS_SRC_DIR)/lantern.js | $(ASSETS_OUT_DIR)
	cp $< $@.tmp
	mv $@.tmp $@

# Drop the sourceMappingURL comment: the map is not shipped.
$(ASSETS_OUT_DIR)/govuk-frontend.min.js: $(ASSETS_GOVUK_JS) | $(ASSETS_OUT_DIR)
	sed -e 's|//# sourceMappingURL=.*$$||' $< > $@.tmp
	mv $@.tmp $@

$(ASSETS_OUT_DIR)/favicon.svg: $(ASSETS_SRC_DIR)/favicon.svg | $(ASSETS_OUT_DIR)
	cp $< $@.tmp
	mv $@.tmp $@

$(ASSETS_VERSION_FILE): $(ASSETS_FILES)
	cat $(ASSETS_FILES) | sha256sum | cut -c1-10 > $@.tmp
	mv $@.tmp $@

assets-clean:
	rm -rf $(ASSETS_OUT_DIR)

.DEFAULT_GOAL := $(ASSETS_SAVED_DEFAULT_GOAL)
