/** The Grafana plugin's id (plugin/src/plugin.json): the data source type dashboards and provisioning name. */
export const PLUGIN_ID = 'copilotmetrics-usage-datasource';
