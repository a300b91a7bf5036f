// The network view on an alert's page: Cytoscape.js draws the elements /network/graph returns;
// selecting a node adds its neighbours one step out; the filters redraw with the chosen link
// types and period. Everything shown is also listed in words (the evidence) for screen readers.
/* global cytoscape */
const box = document.getElementById('network')
const status = document.getElementById('network-status')
const filters = document.getElementById('network-filters')

const STYLE = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'text-wrap': 'ellipsis', 'text-max-width': 90, width: 18, height: 18, 'background-color': '#505a5f' } },
  { selector: 'node[kind = "child"]', style: { 'background-color': '#d4351c' } },
  { selector: 'node[kind = "adult"]', style: { 'background-color': '#1d70b8' } },
  { selector: 'node[kind = "place"]', style: { shape: 'round-rectangle', 'background-color': '#00703c' } },
  { selector: 'node[kind = "vehicle"], node[kind = "phone"]', style: { shape: 'diamond' } },
  { selector: 'node[?centre]', style: { 'border-width': 3, 'border-color': '#ffdd00', width: 24, height: 24 } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#b1b4b6', 'font-size': 8, 'curve-style': 'bezier' } },
  { selector: 'edge:selected, node:selected', style: { label: 'data(label)', 'line-color': '#ffdd00', 'z-index': 10 } },
  { selector: 'edge[type = "found_with"], edge[type = "associate"]', style: { 'line-color': '#d4351c' } }
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

async function load (cy, extra) {
  const url = box.dataset.graphUrl + '&' + query(extra).toString()
  status.textContent = 'Loading the network…'
  const response = await fetch(url, { headers: { Accept: 'application/json' } })
  if (!response.ok) {
    status.textContent = 'The network could not be loaded (' + response.status + ').'
    return
  }
  const graph = await response.json()
  const fresh = graph.elements.filter((el) => cy.getElementById(el.data.id).empty())
  cy.add(fresh)
  cy.layout({ name: 'cose', animate: false, nodeRepulsion: 9000 }).run()
  const nodes = cy.nodes().length
  const edges = cy.edges().length
  status.textContent = nodes + ' people, places, phones and vehicles; ' + edges + ' links.' +
    (graph.truncated ? ' Only the first ' + graph.max_nodes + ' are shown: narrow the filters.' : '')
  box.dataset.loaded = String(nodes)
}

if (box && typeof cytoscape === 'function') {
  const cy = cytoscape({ container: box, style: STYLE, elements: [], wheelSensitivity: 0.3 })
  load(cy, { steps: 1 })
  cy.on('tap', 'node', (event) => load(cy, { node: event.target.id(), steps: 1 }))
  filters.addEventListener('submit', (event) => {
    event.preventDefault()
    cy.elements().remove()
    load(cy, { steps: 1 })
  })
}
