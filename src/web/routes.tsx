import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import type { Permission } from "./api/types";
import { ticketPermissions } from "./features/tickets/ticketMeta";

export interface RouteDef {
  path: string;
  /** Document title while no page-specific one is set. */
  title: string;
  component: LazyExoticComponent<ComponentType>;
  /** Any of these permissions opens the page; others see "no access". */
  requires?: Permission[];
}

// each route is its own chunk, loaded on first visit
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((module) => ({ default: module[name] })));

// the Permission union predates the CMDB; the server sends cmdb.* in the session's permissions
const CMDB_READ: Permission[] = ["cmdb.read"];

/** Every page of the signed-in app. */
export const ROUTES: RouteDef[] = [
  { path: "/", title: "Home", component: page(() => import("./features/home/HomePage"), "HomePage") },
  {
    path: "/service-desk",
    title: "Service desk",
    component: page(() => import("./features/tickets/TicketListPage"), "TicketListPage"),
    requires: ticketPermissions("tickets.read"),
  },
  {
    path: "/service-desk/tickets/:ref",
    title: "Ticket",
    component: page(() => import("./features/tickets/TicketPage"), "TicketPage"),
    requires: ticketPermissions("tickets.read"),
  },
  { path: "/service-desk/known-errors", title: "Known errors", component: page(() => import("./features/problems/KnownErrorsPage"), "KnownErrorsPage"), requires: ticketPermissions("tickets.read") },
  { path: "/service-desk/problem-suggestions", title: "Problem suggestions", component: page(() => import("./features/problems/ProblemSuggestionsPage"), "ProblemSuggestionsPage"), requires: ticketPermissions("tickets.read") },
  {
    path: "/changes",
    title: "Change calendar",
    component: page(() => import("./features/changes/ChangeCalendarPage"), "ChangeCalendarPage"),
    requires: ticketPermissions("tickets.read"),
  },
  {
    path: "/changes/templates",
    title: "Standard change templates",
    component: page(() => import("./features/changes/admin/TemplatesPage"), "TemplatesPage"),
    requires: ticketPermissions("tickets.read"),
  },
  {
    path: "/changes/approval-rules",
    title: "Change approval rules",
    component: page(() => import("./features/changes/admin/ApprovalRulesPage"), "ApprovalRulesPage"),
    requires: ticketPermissions("tickets.read"),
  },
  {
    path: "/changes/blackouts",
    title: "Blackout windows",
    component: page(() => import("./features/changes/admin/BlackoutsPage"), "BlackoutsPage"),
    requires: ticketPermissions("tickets.read"),
  },
  { path: "/portal", title: "My tickets", component: page(() => import("./features/portal/PortalPage"), "PortalPage"), requires: ticketPermissions("tickets.own") },
  { path: "/portal/new", title: "New ticket", component: page(() => import("./features/portal/PortalNewPage"), "PortalNewPage"), requires: ticketPermissions("tickets.own") },
  {
    path: "/portal/tickets/:ref",
    title: "Ticket",
    component: page(() => import("./features/portal/PortalTicketPage"), "PortalTicketPage"),
    requires: ticketPermissions("tickets.own"),
  },
  {
    path: "/operations",
    title: "Operations",
    component: page(() => import("./features/events/OperationsConsolePage"), "OperationsConsolePage"),
    requires: ["events.read"],
  },
  {
    path: "/operations/groups/:id",
    title: "Alert group",
    component: page(() => import("./features/events/AlertGroupPage"), "AlertGroupPage"),
    requires: ["events.read"],
  },
  {
    path: "/cmdb",
    title: "CMDB",
    component: page(() => import("./features/cmdb/browse/CmdbPage"), "CmdbPage"),
    requires: CMDB_READ,
  },
  {
    path: "/cmdb/cis/:id",
    title: "Configuration item",
    component: page(() => import("./features/cmdb/detail/CiDetailPage"), "CiDetailPage"),
    requires: CMDB_READ,
  },
  {
    path: "/cmdb/cis/:id/map",
    title: "Service map",
    component: page(() => import("./features/cmdb/map/ServiceMapPage"), "ServiceMapPage"),
    requires: CMDB_READ,
  },
  {
    path: "/cmdb/classes",
    title: "CI classes",
    component: page(() => import("./features/cmdb/admin/ClassesPage"), "ClassesPage"),
    requires: CMDB_READ,
  },
  {
    path: "/cmdb/relationship-types",
    title: "Relationship types",
    component: page(() => import("./features/cmdb/admin/RelationshipTypesPage"), "RelationshipTypesPage"),
    requires: CMDB_READ,
  },
  { path: "/assets", title: "Assets", component: page(() => import("./features/assets/AssetsPage"), "AssetsPage") },
  { path: "/knowledge", title: "Knowledge", component: page(() => import("./features/knowledge/KnowledgePage"), "KnowledgePage") },
  { path: "/service-levels", title: "Service levels", component: page(() => import("./features/sla/SlaReportPage"), "SlaReportPage"), requires: ["sla.read"] },
  { path: "/service-levels/definitions", title: "SLA definitions", component: page(() => import("./features/sla/SlaDefinitionsPage"), "SlaDefinitionsPage"), requires: ["sla.read"] },
  { path: "/service-levels/calendars", title: "Business calendars", component: page(() => import("./features/sla/SlaCalendarsPage"), "SlaCalendarsPage"), requires: ["sla.read"] },
  { path: "/reports", title: "Reports", component: page(() => import("./features/reports/ReportsPage"), "ReportsPage") },
  {
    path: "/admin",
    title: "Admin",
    component: page(() => import("./features/admin/AdminIndex"), "AdminIndex"),
    requires: ["users.read", "groups.read", "tokens.own", "tokens.admin", "audit.read"],
  },
  {
    path: "/admin/users",
    title: "Users",
    component: page(() => import("./features/admin/users/UsersPage"), "UsersPage"),
    requires: ["users.read"],
  },
  {
    path: "/admin/users/:id",
    title: "User",
    component: page(() => import("./features/admin/users/UserDetailPage"), "UserDetailPage"),
    requires: ["users.read"],
  },
  {
    path: "/admin/groups",
    title: "Groups",
    component: page(() => import("./features/admin/groups/GroupsPage"), "GroupsPage"),
    requires: ["groups.read"],
  },
  {
    path: "/admin/groups/:id",
    title: "Group",
    component: page(() => import("./features/admin/groups/GroupDetailPage"), "GroupDetailPage"),
    requires: ["groups.read"],
  },
  {
    path: "/admin/tokens",
    title: "API tokens",
    component: page(() => import("./features/admin/tokens/TokensPage"), "TokensPage"),
    requires: ["tokens.own", "tokens.admin"],
  },
  {
    path: "/admin/audit",
    title: "Audit log",
    component: page(() => import("./features/admin/audit/AuditPage"), "AuditPage"),
    requires: ["audit.read"],
  },
];
