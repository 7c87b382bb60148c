use crate::helpers::spawn_app;

/// Pearson's r of two slices, computed here independently of the service.
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

#[actix_web::test]
async fn the_analysis_of_the_demo_data_matches_an_independent_computation() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/analysis").await;
    assert_eq!(status, 200, "{body}");
    let a = &body["analysis"];
    assert_eq!(a["n"], 514);
    assert_eq!(a["demo"], true);
    // Stunting, SPBE, the under-five population and the stunting of the year before.
    assert_eq!(a["datasets"].as_array().unwrap().len(), 4);
    // Recompute r and the OLS line from the demo generator's own numbers.
    let demo = model::demo::DemoData::generate();
    let x: Vec<f64> = demo.districts.iter().map(|d| d.spbe).collect();
    let y: Vec<f64> = demo.districts.iter().map(|d| d.stunting).collect();
    let r = pearson(&x, &y);
    assert!((a["pearson"]["r"].as_f64().unwrap() - r).abs() < 1e-9);
    // Fisher z interval: tanh(atanh(r) ± 1.959964/sqrt(n−3)).
    let half = 1.959964 / (514.0f64 - 3.0).sqrt();
    assert!((a["pearson"]["ci95"][0].as_f64().unwrap() - (r.atanh() - half).tanh()).abs() < 1e-9);
    assert!((a["pearson"]["ci95"][1].as_f64().unwrap() - (r.atanh() + half).tanh()).abs() < 1e-9);
    let sd = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|a| (a - m).powi(2)).sum::<f64>()).sqrt()
    };
    let slope = r * sd(&y) / sd(&x);
    assert!((a["regression"]["slope"].as_f64().unwrap() - slope).abs() < 1e-9);
    assert!((a["regression"]["r_squared"].as_f64().unwrap() - r * r).abs() < 1e-9);
    let ci = &a["bootstrap_ci95"];
    assert!(ci[0].as_f64().unwrap() < r && r < ci[1].as_f64().unwrap());
    assert!(a["spearman"]["rho"].as_f64().unwrap() < 0.0);
    let text = a["interpretation"].as_str().unwrap();
    assert!(
        text.contains("causes") && text.contains("synthetic demo data"),
        "{text}"
    );
    assert_eq!(a["residuals"].as_array().unwrap().len(), 514);
}

#[actix_web::test]
async fn excluded_districts_are_reported_with_their_reason() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/analysis?exclude=11.40,11.41").await;
    let a = &body["analysis"];
    assert_eq!(a["n"], 512);
    let excluded = a["excluded"].as_array().unwrap();
    assert_eq!(excluded.len(), 2);
    assert!(excluded.iter().all(|e| e["reason"] == "excluded_by_user"));
}

#[actix_web::test]
async fn a_year_without_data_is_404() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/analysis?stunting_year=2019").await;
    assert_eq!(status, 404);
    assert!(body["message"].as_str().unwrap().contains("2022"), "{body}");
}

/// Solves the 3×3 system `a·x = b` by Cramer's rule (independent of the service's solver).
fn solve3(a: [[f64; 3]; 3], b: [f64; 3]) -> [f64; 3] {
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(a);
    let mut x = [0.0; 3];
    for (j, xj) in x.iter_mut().enumerate() {
        let mut m = a;
        for i in 0..3 {
            m[i][j] = b[i];
        }
        *xj = det(m) / d;
    }
    x
}

#[actix_web::test]
async fn a_covariate_dataset_enters_the_regression_when_asked() {
    let app = spawn_app().await;
    let demo = model::demo::DemoData::generate();
    // A made-up covariate, deterministic and not collinear with SPBE.
    let covariate: Vec<f64> = (0..demo.districts.len())
        .map(|i| ((i * 37) % 101) as f64 / 10.0)
        .collect();
    let mut csv = String::from("code,value\n");
    for (d, v) in demo.districts.iter().zip(&covariate) {
        csv.push_str(&format!("{},{v}\n", d.code));
    }
    let (status, body) = app
        .upload(
            "kind=covariate&year=2022&indicator=poverty_rate",
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .get_json("/api/v1/analysis?covariates=poverty_rate")
        .await;
    assert_eq!(status, 200, "{body}");
    let reg = &body["analysis"]["regression"];
    assert_eq!(reg["covariates"][0]["name"], "poverty_rate");
    assert_eq!(body["analysis"]["datasets"].as_array().unwrap().len(), 5);
    // Normal equations XᵀX β = Xᵀy with X = [1, spbe, covariate].
    let rows: Vec<[f64; 3]> = demo
        .districts
        .iter()
        .zip(&covariate)
        .map(|(d, c)| [1.0, d.spbe, *c])
        .collect();
    let mut xtx = [[0.0; 3]; 3];
    let mut xty = [0.0; 3];
    for (r, d) in rows.iter().zip(&demo.districts) {
        for i in 0..3 {
            xty[i] += r[i] * d.stunting;
            for j in 0..3 {
                xtx[i][j] += r[i] * r[j];
            }
        }
    }
    let beta = solve3(xtx, xty);
    assert!((reg["intercept"].as_f64().unwrap() - beta[0]).abs() < 1e-6);
    assert!((reg["slope"].as_f64().unwrap() - beta[1]).abs() < 1e-6);
    assert!((reg["covariates"][0]["estimate"].as_f64().unwrap() - beta[2]).abs() < 1e-6);
    let (status, _) = app
        .get_json("/api/v1/analysis?covariates=unknown_thing")
        .await;
    assert_eq!(status, 404);
}
