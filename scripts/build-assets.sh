#!/bin/sh
# Copy the compiled GOV.UK Frontend, MOJ Frontend, HTMX, Cytoscape.js (with fcose) and other files from node_modules into
# src/harbour/static/vendor (not committed). Run by `make assets`.
set -eu
cd "$(dirname "$0")/.."
out=src/harbour/static/vendor
govuk=node_modules/govuk-frontend/dist/govuk
moj=node_modules/@ministryofjustice/frontend/moj
rm -rf "$out"
mkdir -p "$out/assets"
cp "$govuk/govuk-frontend.min.css" "$govuk/govuk-frontend.min.js" "$out/"
cp "$moj/moj-frontend.min.css" "$moj/moj-frontend.min.js" "$out/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/"
cp node_modules/cytoscape/dist/cytoscape.min.js "$out/"
# The fcose layout (readable at 50+ nodes) and the two libraries it is built on, as browser globals.
cp node_modules/layout-base/layout-base.js node_modules/cose-base/cose-base.js "$out/"
cp node_modules/cytoscape-fcose/cytoscape-fcose.js "$out/"
cp node_modules/chart.js/dist/chart.umd.min.js "$out/"
cp node_modules/axe-core/axe.min.js "$out/"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css "$out/"
cp -R "$govuk/assets/." "$out/assets/"
cp -R "$moj/assets/." "$out/assets/"
echo "Front-end assets copied to $out"
