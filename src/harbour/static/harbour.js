// Start the GOV.UK Frontend and MOJ Frontend components on every page.
import { initAll as initGovuk } from '/static/vendor/govuk-frontend.min.js'
import { initAll as initMoj } from '/static/vendor/moj-frontend.min.js'

initGovuk()
initMoj()
