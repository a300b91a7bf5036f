// The measures dashboard: Chart.js draws each chart from the JSON beside its canvas. Every chart
// has one series (colour carries no meaning) and its figures are in the table below it, which is
// what screen readers and pages without JavaScript read.
/* global Chart */
const BLUE = '#1d70b8'

function draw (canvas) {
  const source = document.getElementById(canvas.dataset.chart)
  if (!source) return
  const spec = JSON.parse(source.textContent)
  const line = spec.type === 'line'
  // eslint-disable-next-line no-new
  new Chart(canvas, {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: [{
        label: spec.title,
        data: spec.data,
        borderColor: BLUE,
        backgroundColor: line ? BLUE : 'rgba(29, 112, 184, 0.8)',
        pointStyle: 'rectRot',
        pointRadius: 4,
        spanGaps: false
      }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: line ? 'x' : 'y',
      plugins: { legend: { display: false } },
      scales: {
        [line ? 'y' : 'x']: { beginAtZero: true, title: { display: true, text: spec.axis } },
        [line ? 'x' : 'y']: { ticks: { autoSkip: true, maxRotation: 0 } }
      }
    }
  })
  canvas.dataset.drawn = 'true'
}

if (typeof Chart === 'function') {
  document.querySelectorAll('canvas[data-chart]').forEach(draw)
}
