// Match rate (line, left axis) and open amount (bars, right axis) by business day, drawn with ECharts.
// Only the parts used are registered, so the bundle stays small.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { OpResult } from '../../../src-main/api/contract';
import { formatFen } from '../../format';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

type Series = OpResult<'close.period'>['series'];

export function CloseChart(props: { series: Series; matchRate: string; openAmount: string }) {
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const chart = echarts.init(box.current, null, { renderer: 'svg' });
    const { series } = props;
    chart.setOption({
      animation: false,
      legend: { top: 0, data: [props.matchRate, props.openAmount] },
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 80, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: series.map((s) => s.businessDate.slice(5)) },
      yAxis: [
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        { type: 'value', axisLabel: { formatter: (v: number) => formatFen(Math.round(v * 100)) } },
      ],
      series: [
        { name: props.matchRate, type: 'line', yAxisIndex: 0, data: series.map((s) => (s.matchRate === null ? null : Math.round(s.matchRate * 1000) / 10)) },
        // Fen are shown in yuan on the axis; the tooltip formats the exact fen.
        {
          name: props.openAmount, type: 'bar', yAxisIndex: 1, data: series.map((s) => s.openFen / 100), itemStyle: { color: '#d97706' },
          tooltip: { valueFormatter: (v: unknown) => formatFen(Math.round(Number(v) * 100)) },
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [props]);
  return <div ref={box} className="close-chart" data-testid="close-chart" />;
}
