// Chinese by default, English by the switch; every time is shown in China Standard Time.
const zh = {
  brand: '案件工作台', signOut: '退出', intake: '受理', inbox: '待办', dashboard: '仪表盘', signIn: '登录',
  pickUser: '选择演示用户', demoNote: '演示模式：令牌由 /api/dev/tokens 签发。', oidc: '使用单位账号登录',
  oidcMissing: '未配置登录：请设置 Cases:Auth:Authority（OpenID Connect 提供方）与 Cases:Console:ClientId。',
  role_agent: '话务员', role_gridworker: '网格员', role_coordinator: '协调员', role_department: '职能部门', role_auditor: '审计员', role_admin: '管理员',
  channel: '渠道', category: '类别', urgency: '紧急程度', title: '标题', description: '描述', resident: '诉求人',
  residentName: '姓名', residentPhone: '电话', residentAddress: '地址', microGrid: '微网格', gridSearch: '搜索微网格（名称或地址，如 亚芳、4号楼）',
  noMatch: '没有匹配的微网格', selected: '已选', file: '提交诉求', filing: '正在提交…', filed: '已受理，案件编号', newAppeal: '受理下一件',
  retry: '网络中断：请重试（同一请求不会重复立案）', retryButton: '重试',
  ch_hotline: '热线', ch_patrol: '巡查', 'ch_walk-in': '来访', ch_online: '网上',
  ur_normal: '一般', ur_urgent: '紧急',
  st_open: '待签收', st_acknowledged: '办理中', st_dispatched: '已派遣', st_resolved: '待回访', st_closed: '已办结', st_withdrawn: '已撤回', st_merged: '已合并',
  overdue: '超期', warning: '预警', remaining: '剩余', overdueBy: '已超', none: '无', empty: '暂无案件',
  open: '查看', refresh: '刷新', caseNumber: '案件编号', status: '状态', node: '所在节点', raisedAt: '受理时间',
  cmd_acknowledge: '签收', cmd_escalate: '上报', cmd_dispatch: '派遣', cmd_accept: '报到', cmd_return: '退单', cmd_resolve: '办结',
  cmd_pause: '挂起', cmd_resume: '恢复', cmd_extension: '申请延期', cmd_decide: '审批延期', cmd_supervise: '督办', cmd_close: '核实结案',
  cmd_feedback: '回访', cmd_withdraw: '撤回',
  f_note: '备注', f_reason: '原因', f_departmentId: '部门', f_instructions: '派遣要求', f_resolution: '办理结果', f_days: '工作日', f_granted: '批准',
  f_satisfied: '满意', f_score: '评分（1–5）', f_comment: '意见', confirm: '确定', cancel: '取消',
  conflict: '有人修改了此案件，以下是它现在的状态。', done: '已完成',
  timeline: '时间线', events: '事件', actor: '操作人', time: '时间', clock: '时限', clocks: '时限', deadline: '截止', state: '状态',
  dispatches: '派遣', department: '部门', dispatchedAt: '派遣时间', acceptBy: '报到时限', acceptedAt: '报到时间',
  timeTravel: '回看历史状态', asOfVersion: '版本', asItWas: '当时的案件', masked: '（已按角色脱敏）', back: '返回',
  clk_acknowledge: '签收时限', clk_acceptDispatch: '报到时限', clk_resolve: '办结时限', clk_feedback: '回访时限',
  cs_running: '计时中', cs_paused: '已暂停', cs_expired: '已超期',
  rates: '三率', rate_response: '响应率', rate_resolution: '办结率', rate_satisfaction: '满意率', rate_onTimeResolution: '按时办结率', rate_settledInGrid: '网格内化解率',
  raised: '受理', resolved: '办结', closed: '结案', series: '趋势', day: '按日', week: '按周', month: '按月', ranking: '街道排名', backlog: '积压（按下级节点）',
  cnt_open: '待签收', cnt_acknowledged: '办理中', cnt_dispatched: '已派遣', cnt_awaitingFeedback: '待回访', cnt_overdue: '超期', cnt_warned: '预警',
  pending: '待报到', accepted: '已报到', activeCases: '在办', scope: '范围', rank: '名次', value: '数值', asOf: '统计截至', expand: '展开',
  noPermission: '当前角色无权查看此页面。', error: '出错了',
  ev_appeal_raised: '受理立案', ev_case_acknowledged: '签收', ev_case_escalated: '上报', ev_case_dispatched: '派遣', ev_dispatch_accepted: '部门报到',
  ev_dispatch_returned: '退单', ev_case_resolved: '办结', ev_feedback_received: '回访', ev_case_reopened: '返工', ev_case_closed: '结案',
  ev_case_withdrawn: '撤回', ev_case_merged: '合并', ev_case_paused: '挂起', ev_case_resumed: '恢复', ev_extension_requested: '申请延期',
  ev_extension_decided: '延期审批', ev_case_supervised: '督办', ev_clock_elapsed: '时限节点', ev_resident_contact_erased: '个人信息删除',
  ds_pending: '待报到', ds_accepted: '已报到', ds_returned: '已退单', ds_completed: '已完成', bucket: '统计粒度', details: '详情', figures: '指标', up: '返回上级',
};
const en = {
  brand: 'Cases console', signOut: 'Sign out', intake: 'Intake', inbox: 'Inbox', dashboard: 'Dashboard', signIn: 'Sign in',
  pickUser: 'Pick a demo user', demoNote: 'Demo mode: tokens come from /api/dev/tokens.', oidc: 'Sign in with your organisation',
  oidcMissing: 'Sign-in is not configured: set Cases:Auth:Authority (the OpenID Connect provider) and Cases:Console:ClientId.',
  role_agent: 'Agent', role_gridworker: 'Grid worker', role_coordinator: 'Coordinator', role_department: 'Department', role_auditor: 'Auditor', role_admin: 'Admin',
  channel: 'Channel', category: 'Category', urgency: 'Urgency', title: 'Title', description: 'Description', resident: 'Resident',
  residentName: 'Name', residentPhone: 'Phone', residentAddress: 'Address', microGrid: 'Micro-grid', gridSearch: 'Search micro-grids (any part of name or address, e.g. 亚芳, 4号楼)',
  noMatch: 'No micro-grid matches', selected: 'Selected', file: 'File appeal', filing: 'Filing…', filed: 'Filed, case number', newAppeal: 'Next appeal',
  retry: 'The connection failed: retry (a retry cannot file twice)', retryButton: 'Retry',
  ch_hotline: 'Hotline', ch_patrol: 'Patrol', 'ch_walk-in': 'Walk-in', ch_online: 'Online',
  ur_normal: 'Normal', ur_urgent: 'Urgent',
  st_open: 'Open', st_acknowledged: 'Acknowledged', st_dispatched: 'Dispatched', st_resolved: 'Awaiting feedback', st_closed: 'Closed', st_withdrawn: 'Withdrawn', st_merged: 'Merged',
  overdue: 'Overdue', warning: 'Warning', remaining: 'Left', overdueBy: 'Over by', none: 'None', empty: 'No cases',
  open: 'Open', refresh: 'Refresh', caseNumber: 'Case number', status: 'Status', node: 'Node', raisedAt: 'Raised',
  cmd_acknowledge: 'Acknowledge', cmd_escalate: 'Escalate', cmd_dispatch: 'Dispatch', cmd_accept: 'Accept', cmd_return: 'Return', cmd_resolve: 'Resolve',
  cmd_pause: 'Pause', cmd_resume: 'Resume', cmd_extension: 'Ask for extension', cmd_decide: 'Decide extension', cmd_supervise: 'Supervise', cmd_close: 'Close',
  cmd_feedback: 'Record feedback', cmd_withdraw: 'Withdraw',
  f_note: 'Note', f_reason: 'Reason', f_departmentId: 'Department', f_instructions: 'Instructions', f_resolution: 'Resolution', f_days: 'Working days', f_granted: 'Grant',
  f_satisfied: 'Satisfied', f_score: 'Score (1–5)', f_comment: 'Comment', confirm: 'Confirm', cancel: 'Cancel',
  conflict: 'Someone changed this case; here it is now.', done: 'Done',
  timeline: 'Timeline', events: 'Events', actor: 'Actor', time: 'Time', clock: 'Clock', clocks: 'Clocks', deadline: 'Deadline', state: 'State',
  dispatches: 'Dispatches', department: 'Department', dispatchedAt: 'Dispatched', acceptBy: 'Accept by', acceptedAt: 'Accepted',
  timeTravel: 'The case at any point', asOfVersion: 'Version', asItWas: 'The case as it was', masked: '(masked for your role)', back: 'Back',
  clk_acknowledge: 'Acknowledge', clk_acceptDispatch: 'Accept dispatch', clk_resolve: 'Resolve', clk_feedback: 'Feedback',
  cs_running: 'Running', cs_paused: 'Paused', cs_expired: 'Expired',
  rates: 'Rates', rate_response: 'Response', rate_resolution: 'Resolution', rate_satisfaction: 'Satisfaction', rate_onTimeResolution: 'On-time', rate_settledInGrid: 'Settled in grid',
  raised: 'Raised', resolved: 'Resolved', closed: 'Closed', series: 'Trend', day: 'By day', week: 'By week', month: 'By month', ranking: 'Street ranking', backlog: 'Backlog by child node',
  cnt_open: 'Open', cnt_acknowledged: 'Acknowledged', cnt_dispatched: 'Dispatched', cnt_awaitingFeedback: 'Awaiting feedback', cnt_overdue: 'Overdue', cnt_warned: 'Warned',
  pending: 'Pending', accepted: 'Accepted', activeCases: 'Active', scope: 'Scope', rank: 'Rank', value: 'Value', asOf: 'Figures as of', expand: 'Expand',
  noPermission: 'Your role may not see this page.', error: 'Something went wrong',
  ev_appeal_raised: 'Appeal raised', ev_case_acknowledged: 'Acknowledged', ev_case_escalated: 'Escalated', ev_case_dispatched: 'Dispatched', ev_dispatch_accepted: 'Dispatch accepted',
  ev_dispatch_returned: 'Dispatch returned', ev_case_resolved: 'Resolved', ev_feedback_received: 'Feedback', ev_case_reopened: 'Reopened', ev_case_closed: 'Closed',
  ev_case_withdrawn: 'Withdrawn', ev_case_merged: 'Merged', ev_case_paused: 'Paused', ev_case_resumed: 'Resumed', ev_extension_requested: 'Extension asked',
  ev_extension_decided: 'Extension decided', ev_case_supervised: 'Supervised', ev_clock_elapsed: 'Clock elapsed', ev_resident_contact_erased: 'Contact erased',
  ds_pending: 'Pending', ds_accepted: 'Accepted', ds_returned: 'Returned', ds_completed: 'Completed', bucket: 'Bucket', details: 'Details', figures: 'Figures', up: 'Back to the top',
};

let lang = localStorage.getItem('cases.lang') === 'en' ? 'en' : 'zh-CN';

export const language = () => lang;

export function setLanguage(value) {
  lang = value;
  localStorage.setItem('cases.lang', value === 'en' ? 'en' : 'zh');
  document.documentElement.lang = value;
}

export const t = (key) => (lang === 'en' ? en : zh)[key] ?? key;

/** A label from the dictionary, or the raw value when the service sends something the console does not know yet. */
export const label = (prefix, value) => { const text = t(`${prefix}${value}`); return text === `${prefix}${value}` ? value : text; };

const cst = () => new Intl.DateTimeFormat(lang, {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** A timestamp in China Standard Time, whatever the browser's zone. */
export const time = (iso) => (iso ? cst().format(new Date(iso)) : '—');

/** Time left until a deadline, or how far past it, as "2天3小时" / "2d 3h". */
export function remaining(iso, now = Date.now()) {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  const text = lang === 'en'
    ? [d && `${d}d`, h && `${h}h`, !d && `${m}m`].filter(Boolean).join(' ')
    : [d && `${d}天`, h && `${h}小时`, !d && `${m}分`].filter(Boolean).join('');
  return `${ms < 0 ? t('overdueBy') : t('remaining')} ${text}`;
}

export const percent = (rate) => (rate == null ? '—' : `${(rate * 100).toFixed(1)}%`);
