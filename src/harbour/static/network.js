// The network view on an alert's page: Cytoscape.js draws the elements /network/graph returns,
// starting from the alert's subject and children; a table lists the same nodes and links, each
// node with an Expand button (a real button: keyboard and screen reader work as for any other),
// and selecting a node in the diagram does the same. Expanding adds what is one step out from
// that node, so pressing Expand on a node the last expansion added goes a second step. The
// layout is fcose (readable at 50+ nodes) when its extension is loaded, else the built-in cose.
// Shapes, not colour alone, tell the kinds apart (see the key on the page).
/* global cytoscape */
const box = document.getElementById('network')
const status = document.getElementById('network-status')
const filters = document.getElementById('network-filters')
const tableBox = document.getElementById('network-table')

const KINDS = { child: 'Child', adult: 'Adult', place: 'Place', phone: 'Phone', vehicle: 'Vehicle' }
const ORDER = ['child', 'adult', 'place', 'phone', 'vehicle']

const STYLE = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'text-wrap': 'ellipsis', 'text-max-width': 90, 'text-valign': 'bottom', 'text-margin-y': 3, width: 20, height: 20, 'background-color': '#505a5f', 'border-width': 1, 'border-color': '#0b0c0c' } },
  { selector: 'node[kind = "child"]', style: { shape: 'ellipse', 'background-color': '#d4351c' } },
  { selector: 'node[kind = "adult"]', style: { shape: 'triangle', 'background-color': '#1d70b8' } },
  { selector: 'node[kind = "place"]', style: { shape: 'rectangle', 'background-color': '#00703c' } },
  { selector: 'node[kind = "phone"]', style: { shape: 'diamond' } },
  { selector: 'node[kind = "vehicle"]', style: { shape: 'hexagon' } },
  { selector: 'node[?centre]', style: { 'border-width': 4, 'border-color': '#0b0c0c', width: 26, height: 26 } },
  // Straight lines: the many links between one pair (an episode each) draw as one.
  { selector: 'edge', style: { width: 1.5, 'line-color': '#b1b4b6', 'font-size': 8, 'curve-style': 'haystack', 'haystack-radius': 0 } },
  { selector: 'edge[type = "found_with"], edge[type = "associate"]', style: { 'line-style': 'dashed', 'line-color': '#942514', width: 2 } },
  { selector: 'edge:selected, node:selected', style: { label: 'data(label)', 'line-color': '#ffdd00', 'border-color': '#ffdd00', 'z-index': 10 } }
]

function query (extra) {
  const params = new URLSearchParams(extra)
  const data = new FormData(filters)
  if (data.get('since')) params.set('since', data.get('since'))
  const types = data.getAll('types')
  const all = filters.querySelectorAll('input[name="types"]').length
  if (types.length && types.length < all) params.set('types', types.join(','))
  return params
}

// fcose registers itself on the global cytoscape when its script loads after Cytoscape's.
const FCOSE = typeof cytoscape === 'function' && typeof cytoscape('layout', 'fcose') === 'function'

function layout (cy, fresh) {
  const options = FCOSE
    ? { name: 'fcose', quality: 'default', animate: false, randomize: fresh, nodeRepulsion: 30000, idealEdgeLength: 110, edgeElasticity: 0.2, nodeSeparation: 90, packComponents: true }
    : { name: 'cose', animate: false, nodeRepulsion: 9000, randomize: fresh }
  cy.layout(options).run()
  box.dataset.layout = options.name
}

function el (tag, attrs, text) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v)
  if (text !== undefined) node.textContent = text
  return node
}

function nameCell (data) {
  const cell = el('td', { class: 'govuk-table__cell' })
  if (data.href) {
    cell.appendChild(el('a', { class: 'govuk-link', href: data.href }, data.label))
  } else {
    cell.textContent = data.label
  }
  if (data.centre) cell.appendChild(el('strong', { class: 'govuk-tag govuk-tag--grey govuk-!-margin-left-1' }, 'Start'))
  return cell
}

function linksCell (cy, node) {
  const cell = el('td', { class: 'govuk-table__cell' })
  const list = el('ul', { class: 'govuk-list govuk-body-s' })
  node.connectedEdges().forEach((edge) => {
    const other = edge.source().id() === node.id() ? edge.target() : edge.source()
    const when = edge.data('when') ? ' (' + edge.data('when') + ')' : ''
    list.appendChild(el('li', {}, edge.data('label') + ': ' + other.data('label') + when))
  })
  cell.appendChild(list)
  return cell
}

// The table view: every node drawn, with its kind, its name and its links, and Expand.
function drawTable (cy, focusId) {
  if (!tableBox) return
  const table = el('table', { class: 'govuk-table', 'data-testid': 'network-nodes' })
  table.appendChild(el('caption', { class: 'govuk-table__caption govuk-table__caption--s' },
    'The network as a table: ' + cy.nodes().length + ' people, places, phones and vehicles'))
  const head = el('thead', { class: 'govuk-table__head' })
  const row = el('tr', { class: 'govuk-table__row' })
  for (const title of ['Kind', 'Name', 'Links', 'Expand']) {
    row.appendChild(el('th', { scope: 'col', class: 'govuk-table__header' }, title))
  }
  head.appendChild(row)
  table.appendChild(head)
  const body = el('tbody', { class: 'govuk-table__body' })
  const nodes = cy.nodes().toArray().sort((a, b) =>
    (b.data('centre') ? 1 : 0) - (a.data('centre') ? 1 : 0) ||
    ORDER.indexOf(a.data('kind')) - ORDER.indexOf(b.data('kind')) ||
    String(a.data('label')).localeCompare(String(b.data('label'))))
  for (const node of nodes) {
    const data = node.data()
    const tr = el('tr', { class: 'govuk-table__row', 'data-node': data.id })
    tr.appendChild(el('td', { class: 'govuk-table__cell' }, KINDS[data.kind] || data.kind))
    tr.appendChild(nameCell(data))
    tr.appendChild(linksCell(cy, node))
    const cell = el('td', { class: 'govuk-table__cell' })
    const button = el('button', { type: 'button', class: 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0', 'data-expand': data.id })
    button.appendChild(document.createTextNode(node.scratch('expanded') ? 'Expand again' : 'Expand'))
    button.appendChild(el('span', { class: 'govuk-visually-hidden' }, ' ' + data.label))
    cell.appendChild(button)
    tr.appendChild(cell)
    body.appendChild(tr)
  }
  table.appendChild(body)
  tableBox.replaceChildren(table)
  if (focusId) {
    const again = tableBox.querySelector('button[data-expand="' + CSS.escape(focusId) + '"]')
    if (again) again.focus()
  }
}

async function load (cy, extra, from) {
  const url = box.dataset.graphUrl + '&' + query(extra).toString()
  status.textContent = 'Loading the network…'
  const response = await fetch(url, { headers: { Accept: 'application/json' } })
  if (!response.ok) {
    status.textContent = 'The network could not be loaded (' + response.status + ').'
    return
  }
  const graph = await response.json()
  const fresh = graph.elements.filter((item) => cy.getElementById(item.data.id).empty())
  const first = cy.nodes().length === 0
  const near = from ? cy.getElementById(from).position() : null
  for (const item of fresh) {
    if (item.data.source === undefined) item.data.centre = first && item.data.centre
    if (near && item.data.source === undefined) item.position = { x: near.x + Math.random() * 40 - 20, y: near.y + Math.random() * 40 - 20 }
  }
  cy.add(fresh)
  if (from) cy.getElementById(from).scratch('expanded', true)
  layout(cy, first)
  const added = fresh.filter((item) => item.data.source === undefined).map((item) => item.data.label)
  const nodes = cy.nodes().length
  const edges = cy.edges().length
  status.textContent = nodes + ' people, places, phones and vehicles; ' + edges + ' links.' +
    (from ? ' Expanding ' + cy.getElementById(from).data('label') + ' added ' + added.length +
      (added.length ? ': ' + added.slice(0, 5).join('; ') + (added.length > 5 ? ' and ' + (added.length - 5) + ' more' : '') : '') + '.' : '') +
    (graph.truncated ? ' Only the first ' + graph.max_nodes + ' are shown: narrow the filters.' : '')
  box.dataset.loaded = String(nodes)
  drawTable(cy, from)
}

if (box && typeof cytoscape === 'function') {
  const cy = cytoscape({ container: box, style: STYLE, elements: [], wheelSensitivity: 0.3 })
  load(cy, { steps: 1 })
  const expand = (id) => load(cy, { node: id, steps: 1 }, id)
  cy.on('tap', 'node', (event) => expand(event.target.id()))
  if (tableBox) {
    tableBox.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-expand]')
      if (button) expand(button.dataset.expand)
    })
  }
  filters.addEventListener('submit', (event) => {
    event.preventDefault()
    cy.elements().remove()
    load(cy, { steps: 1 })
  })
}
