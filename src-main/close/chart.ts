// The close pack's chart: match rate and open amount by day, drawn by ECharts on the server side as
// SVG and rasterised to PNG by resvg, because exceljs writes no native Excel charts. The screen draws
// the same two series with ECharts in the renderer.
import { existsSync } from 'node:fs';
import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import type { DaySeries } from './checklist';

export interface ChartTexts {
  title: string;
  matchRate: string;
  openAmount: string;
}

export const CHART_SIZE = { width: 1000, height: 420 };

export function chartSvg(series: readonly DaySeries[], texts: ChartTexts, fontFamily = 'Noto Sans CJK SC'): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZE });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: `${fontFamily}, sans-serif` },
      title: { text: texts.title, left: 'center', top: 6, textStyle: { fontSize: 16 } },
      legend: { top: 40, data: [texts.matchRate, texts.openAmount] },
      grid: { left: 70, right: 90, top: 96, bottom: 40 },
      xAxis: { type: 'category', data: series.map((s) => s.businessDate.slice(5)) },
      yAxis: [
        { type: 'value', name: texts.matchRate, min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        { type: 'value', name: texts.openAmount, axisLabel: { formatter: (v: number) => `¥${v.toLocaleString('en-US')}` } },
      ],
      series: [
        // A rate is a ratio of counts, not money: a float is fine here. Money is divided only for display.
        { name: texts.matchRate, type: 'line', yAxisIndex: 0, data: series.map((s) => (s.matchRate === null ? null : Math.round(s.matchRate * 1000) / 10)) },
        { name: texts.openAmount, type: 'bar', yAxisIndex: 1, data: series.map((s) => s.openFen / 100), itemStyle: { color: '#d97706' } },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

// A Chinese font that the platform ships (Debian, Windows, macOS). Loading only it takes ~0.3 s;
// scanning every system font takes seconds, so that is the fallback.
const CJK_FONTS: readonly [string, string][] = [
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC'],
  ['C:\\Windows\\Fonts\\msyh.ttc', 'Microsoft YaHei'],
  ['/System/Library/Fonts/PingFang.ttc', 'PingFang SC'],
];

export function chartPng(series: readonly DaySeries[], texts: ChartTexts): Buffer {
  const known = CJK_FONTS.find(([file]) => existsSync(file));
  const png = new Resvg(chartSvg(series, texts, known?.[1]), {
    font: known
      ? { fontFiles: [known[0]], loadSystemFonts: false, defaultFontFamily: known[1] }
      : { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' },
    fitTo: { mode: 'width', value: CHART_SIZE.width },
  }).render().asPng();
  return Buffer.from(png);
}
