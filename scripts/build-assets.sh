#!/bin/sh
# Copy the compiled GOV.UK Frontend, MOJ Frontend and HTMX files from node_modules into
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
cp node_modules/chart.js/dist/chart.umd.min.js "$out/"
cp node_modules/axe-core/axe.min.js "$out/"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css "$out/"
cp -R "$govuk/assets/." "$out/assets/"
cp -R "$moj/assets/." "$out/assets/"
echo "Front-end assets copied to $out"
