import type { MouseEvent, ReactNode } from 'react';
import { Link, NavLink, Navigate, Route, RouterProvider, Routes, createHashRouter, useLocation } from 'react-router-dom';
import type { Role, User } from './api/types';
import { AdminUsersPage } from './admin/AdminUsersPage';
import { BreakGlassQueuePage } from './admin/BreakGlassQueuePage';
import { ElevationGate } from './admin/elevation';
import { AuditReviewPage } from './audit/AuditReviewPage';
import { StaffHomePage } from './admin/StaffHomePage';
import { IdleLogout } from './auth/IdleLogout';
import { BreakGlassPage } from './breakglass/BreakGlassPage';
import { InvitationPage } from './invitation/InvitationPage';
import { SignInPage } from './auth/SignInPage';
import { SignOutButton } from './auth/SignOutButton';
import { TotpEnrolPage } from './auth/TotpEnrolPage';
import { TotpVerifyPage } from './auth/TotpVerifyPage';
import { SessionProvider, useSession } from './auth/session';
import { ConsultationPage } from './consultation/ConsultationPage';
import { MessagesPage } from './messaging/MessagesPage';
import { SecurityPage } from './account/SecurityPage';
import { AccessReportPage } from './records/AccessReportPage';
import { HistoryPage } from './records/HistoryPage';
import { RecordsPage } from './records/RecordsPage';
import { AppointmentsPage } from './scheduling/AppointmentsPage';
import { AvailabilityPage } from './scheduling/AvailabilityPage';
import { BookPage } from './scheduling/BookPage';
import { ErrorAlert, Loading, PageTitle } from './shared/ui';

// Hash routes (/#/appointments) need no server support: the backend serves
// web/dist as static files and only ever gets a request for index.html.
// A data router (rather than <HashRouter>) is needed for useBlocker, which
// the note and prescription forms use to warn before unsaved text is lost.
// The one splat route keeps the session gate mounted on every path, and the
// pages are matched by the descendant <Routes> in SignedInRoutes.
const router = createHashRouter([
  {
    path: '*',
    element: (
      <SessionProvider>
        <SessionGate />
      </SessionProvider>
    ),
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}

/** Shows sign-in, a TOTP step or the app, from the session state. */
function SessionGate() {
  const { state, refresh } = useSession();
  const location = useLocation();
  // An invitation link opens the same page whether or not someone is signed in.
  if (location.pathname === '/invitation') {
    return (
      <Layout>
        <InvitationPage />
      </Layout>
    );
  }
  switch (state.status) {
    case 'loading':
      return (
        <Layout>
          <Loading>Checking your session…</Loading>
        </Layout>
      );
    case 'error':
      return (
        <Layout>
          <PageTitle title="Telehealth is unavailable">Telehealth is unavailable</PageTitle>
          <ErrorAlert error={state.error} />
          <button type="button" className="button" onClick={() => void refresh()}>
            Try again
          </button>
        </Layout>
      );
    case 'signed-out':
      return (
        <Layout>
          <SignInPage notice={state.notice} />
        </Layout>
      );
    case 'mfa':
      return <Layout>{state.step === 'enrol' ? <TotpEnrolPage /> : <TotpVerifyPage />}</Layout>;
    case 'signed-in':
      return (
        <Layout user={state.user}>
          <SignedInRoutes user={state.user} />
          {state.idleTimeoutSeconds !== undefined && <IdleLogout idleTimeoutSeconds={state.idleTimeoutSeconds} />}
        </Layout>
      );
  }
}

function homePath(role: Role): string {
  if (role === 'auditor') return '/audit';
  return role === 'patient' || role === 'clinician' ? '/appointments' : '/staff';
}

function SignedInRoutes({ user }: { user: User }) {
  const onlyFor = (roles: Role[], page: ReactNode) => (roles.includes(user.role) ? page : <WrongRolePage user={user} />);
  return (
    <Routes>
      <Route path="/" element={<Navigate to={homePath(user.role)} replace />} />
      <Route path="/appointments" element={onlyFor(['patient', 'clinician'], <AppointmentsPage />)} />
      <Route
        path="/appointments/:appointmentId/consultation"
        element={onlyFor(['patient', 'clinician'], <ConsultationPage />)}
      />
      <Route path="/book" element={onlyFor(['patient'], <BookPage />)} />
      <Route path="/availability" element={onlyFor(['clinician'], <AvailabilityPage />)} />
      <Route path="/patients/:patientId/records" element={onlyFor(['patient', 'clinician'], <RecordsPage />)} />
      <Route path="/patients/:patientId/history" element={onlyFor(['patient', 'clinician'], <HistoryPage />)} />
      <Route path="/access-report" element={onlyFor(['patient'], <AccessReportPage />)} />
      <Route path="/messages" element={onlyFor(['patient', 'clinician'], <MessagesPage />)} />
      <Route path="/messages/:threadId" element={onlyFor(['patient', 'clinician'], <MessagesPage />)} />
      <Route path="/staff" element={onlyFor(['admin', 'auditor'], <StaffHomePage />)} />
      <Route path="/audit" element={onlyFor(['auditor'], <AuditReviewPage />)} />
      <Route path="/security" element={<SecurityPage user={user} />} />
      <Route
        path="/admin/users"
        element={onlyFor(['admin'], <ElevationGate title="Users"><AdminUsersPage /></ElevationGate>)}
      />
      <Route
        path="/admin/break-glass"
        element={onlyFor(['admin'], <ElevationGate title="Break-glass review"><BreakGlassQueuePage /></ElevationGate>)}
      />
      <Route path="/break-glass" element={onlyFor(['clinician'], <BreakGlassPage />)} />
      <Route path="*" element={<NotFoundPage user={user} />} />
    </Routes>
  );
}

function navItems(user: User): { to: string; label: string }[] {
  return [...roleNavItems(user), { to: '/security', label: 'Security' }];
}

function roleNavItems(user: User): { to: string; label: string }[] {
  switch (user.role) {
    case 'patient':
      return [
        { to: '/appointments', label: 'My appointments' },
        { to: '/book', label: 'Book' },
        { to: `/patients/${user.id}/records`, label: 'My records' },
        { to: `/patients/${user.id}/history`, label: 'Visit history' },
        { to: '/messages', label: 'Messages' },
        { to: '/access-report', label: 'Who has accessed my record' },
      ];
    case 'clinician':
      return [
        { to: '/appointments', label: 'Appointments' },
        { to: '/availability', label: 'Availability' },
        { to: '/messages', label: 'Messages' },
        { to: '/break-glass', label: 'Emergency access' },
      ];
    case 'admin':
      return [
        { to: '/staff', label: 'Administration' },
        { to: '/admin/users', label: 'Users' },
        { to: '/admin/break-glass', label: 'Break-glass review' },
      ];
    case 'auditor':
      return [{ to: '/audit', label: 'Audit review' }];
  }
}

function Layout({ user, children }: { user?: User; children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="product-name">
            Telehealth
          </Link>
          {user && (
            <nav aria-label="Main">
              <ul className="nav-list">
                {navItems(user).map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end>
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {user && (
            <div className="user-box">
              <span data-testid="signed-in-user">
                {user.display_name} <span className="user-role">({user.role})</span>
              </span>
              <SignOutButton />
            </div>
          )}
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

// With hash routing, a plain "#main" link would be read as a route, so the
// skip link moves focus itself.
function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function WrongRolePage({ user }: { user: User }) {
  return (
    <>
      <PageTitle title="Page not available">Page not available</PageTitle>
      <p>This page is not available to the {user.role} role.</p>
      <p>
        <Link to={homePath(user.role)}>Go to your home page</Link>
      </p>
    </>
  );
}

function NotFoundPage({ user }: { user: User }) {
  return (
    <>
      <PageTitle title="Page not found">Page not found</PageTitle>
      <p>There is no page at this address.</p>
      <p>
        <Link to={homePath(user.role)}>Go to your home page</Link>
      </p>
    </>
  );
}
