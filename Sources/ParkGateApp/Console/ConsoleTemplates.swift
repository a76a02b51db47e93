/// The console's templates (swift-mustache), stylesheet and script, compiled into the binary so
/// one file is the whole server.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "table": table, "dashboard": dashboard, "detail": detail, "form": form,
        "message": message,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ParkGate</title><link rel="stylesheet" href="/static/console.css"></head>
        <body>
        <header><a class="brand" href="/">{{t.app}}</a>
        <nav>{{#nav}}<a href="{{href}}"{{#active}} class="active"{{/active}}>{{label}}</a>{{/nav}}</nav>
        <div class="who"><span id="who">{{user}} · {{roleLabel}}</span> · <a id="lang" href="/lang?to={{otherLang}}">{{t.language}}</a>
        <form method="post" action="/logout" class="inline"><button id="logout">{{t.logout}}</button></form></div></header>
        <main>{{{body}}}</main>
        <script src="/static/console.js"></script>
        </body></html>
        """

    static let login = """
        <!DOCTYPE html>
        <html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{t.login}} · ParkGate</title><link rel="stylesheet" href="/static/console.css"></head>
        <body class="login"><form method="post" action="/login" class="card">
        <h1>{{t.app}}</h1>
        {{#error}}<p class="error" id="login-error">{{t.badLogin}}</p>{{/error}}
        <label>{{t.username}} <input name="username" id="username" autofocus required></label>
        <label>{{t.password}} <input name="password" id="password" type="password" required></label>
        <input type="hidden" name="next" value="{{next}}">
        <button id="signin">{{t.login}}</button>
        <p><a href="/lang?to={{otherLang}}">{{t.language}}</a></p>
        </form></body></html>
        """

    static let table = """
        <h1>{{title}} {{#total}}<small>({{total}})</small>{{/total}}</h1>
        {{{before}}}
        <form class="filters" method="get" id="filters">
        {{#filters}}<label>{{label}}
        {{#hasOptions}}<select name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/hasOptions}}
        {{^hasOptions}}<input name="{{name}}" value="{{value}}" size="{{size}}">{{/hasOptions}}</label>
        {{/filters}}
        <button id="apply">{{t.filter}}</button> <a class="button" id="csv" href="{{csv}}">{{t.exportCSV}}</a></form>
        <table id="list"><thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}{{#hasActions}}<th>{{t.action}}</th>{{/hasActions}}</tr></thead><tbody>
        {{#rows}}<tr>{{#cells}}<td>{{#href}}<a href="{{href}}">{{text}}</a>{{/href}}{{^href}}{{text}}{{/href}}</td>{{/cells}}
        {{#hasActions}}<td>{{#actions}}<form method="post" action="{{action}}" class="inline"><button class="{{name}}">{{label}}</button></form>{{/actions}}</td>{{/hasActions}}</tr>
        {{/rows}}</tbody></table>
        {{^rows}}<p class="empty">{{t.nothing}}</p>{{/rows}}
        <p class="paging">{{#isPaged}}<a href="{{firstPage}}">{{t.first}}</a>{{/isPaged}} {{#next}}<a id="next" href="{{next}}">{{t.next}}</a>{{/next}}</p>
        {{{after}}}
        """

    static let dashboard = """
        <h1>{{t.dashboard}} <small>{{t.live}}</small></h1>
        {{#hasIgnoredSettings}}<section class="notice" id="ignored-settings"><p>{{t.ignoredSettings}}</p><ul>{{#ignoredSettings}}<li><code>{{.}}</code></li>{{/ignoredSettings}}</ul></section>{{/hasIgnoredSettings}}
        <section class="figures" id="figures">
        {{#figures}}<div class="figure"><span class="value" id="fig-{{key}}" data-key="{{key}}">{{value}}</span><span class="label">{{label}}</span></div>{{/figures}}
        </section>
        <section class="charts">{{{flows}}}{{{occupancy}}}</section>
        """

    static let detail = """
        <h1>{{title}}</h1>
        <dl class="detail">{{#fields}}<dt>{{label}}</dt><dd>{{#href}}<a href="{{href}}" rel="noreferrer">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</dd>{{/fields}}</dl>
        {{#sections}}<h2>{{heading}}</h2>{{#pre}}<pre class="raw">{{pre}}</pre>{{/pre}}{{{html}}}{{/sections}}
        """

    static let form = """
        <h2>{{heading}}</h2>
        <form method="post" action="{{action}}" class="edit" id="{{id}}">
        {{#fields}}<label>{{label}}
        {{#hasOptions}}<select name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/hasOptions}}
        {{#isText}}<input name="{{name}}" value="{{value}}" type="{{type}}">{{/isText}}
        {{#isArea}}<textarea name="{{name}}" rows="8" cols="70" id="{{name}}">{{value}}</textarea>{{/isArea}}
        {{#help}}<small>{{help}}</small>{{/help}}</label>
        {{/fields}}
        {{#file}}<input type="file" accept=".csv,text/csv" data-into="{{file}}">{{/file}}
        <button>{{submit}}</button></form>
        """

    static let message = """
        <h1>{{title}}</h1><p class="error">{{text}}</p><p><a href="/">{{t.dashboard}}</a></p>
        """

    static let css = """
        *{box-sizing:border-box}body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;font-size:13px;color:#222;background:#f6f7f9}
        header{display:flex;align-items:center;gap:14px;background:#1f3b57;color:#fff;padding:6px 14px;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none}.brand{font-weight:bold;font-size:15px}nav{display:flex;flex-wrap:wrap;gap:2px;flex:1}
        nav a{padding:4px 8px;border-radius:3px}nav a.active,nav a:hover{background:#36597d}.who{font-size:12px}
        .who button{background:none;border:1px solid #8aa;color:#fff;cursor:pointer;padding:1px 6px}
        main{padding:12px 16px;max-width:1340px}h1{font-size:18px;margin:6px 0 10px}h1 small{font-weight:normal;color:#777;font-size:12px}h2{font-size:15px;margin-top:20px}
        table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #dde;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#eef1f5}tbody tr:nth-child(even){background:#fafbfc}.inline{display:inline}
        .filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin-bottom:8px}.filters label{display:flex;flex-direction:column;font-size:12px;color:#555}
        input,select,textarea,button{font:inherit}button,.button{padding:3px 10px;border:1px solid #7a8ea3;background:#fff;border-radius:3px;cursor:pointer;color:#1f3b57;text-decoration:none}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
        .figure{background:#fff;border:1px solid #dde;border-radius:4px;padding:10px;display:flex;flex-direction:column}
        .figure .value{font-size:26px;font-weight:bold;color:#1f3b57}.figure .label{color:#666}
        .charts{display:flex;flex-wrap:wrap;gap:14px;margin-top:14px}.charts svg{background:#fff;border:1px solid #dde}
        dl.detail{display:grid;grid-template-columns:max-content auto;gap:3px 14px;background:#fff;padding:10px;border:1px solid #dde}dt{color:#666}
        pre.raw{background:#fff;border:1px solid #dde;padding:8px;white-space:pre-wrap;word-break:break-all}
        .error{color:#b8433c}.empty{color:#777}.paging{margin-top:8px}
        .notice{background:#fff8e5;border:1px solid #e0c36a;border-radius:4px;padding:6px 12px;margin-bottom:10px}.notice ul{margin:4px 0}
        form.edit{display:flex;flex-direction:column;gap:8px;background:#fff;padding:12px;border:1px solid #dde;max-width:760px}
        form.edit label{display:flex;flex-direction:column;gap:2px}form.edit small{color:#777}
        body.login{display:flex;align-items:center;justify-content:center;height:100vh}
        .card{background:#fff;padding:24px;border:1px solid #dde;border-radius:6px;display:flex;flex-direction:column;gap:10px;width:340px}
        .card label{display:flex;flex-direction:column}.report{background:#fff;padding:8px;border:1px solid #dde}
        """

    /// Live dashboard figures, and a file picker that fills a textarea (campaign truth).
    static let script = """
        (function () {
          var figures = document.getElementById('figures');
          if (figures) {
            var refresh = function () {
              fetch('/api/v1/summary', {credentials: 'same-origin'}).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
                if (!j) { return; }
                var c = j.counts;
                var values = {online: c.devicesOnline, offline: c.devicesOffline, parksOnline: c.parksOnline, occupied: c.berthsOccupied, entries: c.entriesSince,
                              exits: c.exitsSince, alarms: c.openAlarms, sessions: c.openSessions, messages: c.rawMessages};
                Object.keys(values).forEach(function (k) { var e = document.getElementById('fig-' + k); if (e) { e.textContent = values[k]; } });
              });
            };
            setInterval(refresh, 5000);
          }
          document.querySelectorAll('input[type=file][data-into]').forEach(function (input) {
            input.addEventListener('change', function () {
              var file = input.files[0]; if (!file) { return; }
              var reader = new FileReader();
              reader.onload = function () { document.getElementById(input.dataset.into).value = reader.result; };
              reader.readAsText(file);
            });
          });
        })();
        """
}
